package io.wharf.notifier.channel;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.StorageEventData;
import io.wharf.events.WharfEvent;

/** Human wording of registry events, shared by the Slack and email channels. */
final class EventSummary {

    private static final Set<EventType> PUSHES = Set.of(EventType.ARTIFACT_PUSHED, EventType.TAG_CREATED, EventType.TAG_UPDATED);

    private EventSummary() {
    }

    /** {@code acme/api:1.4.2}, or {@code acme/api@sha256:…} when there is no tag. */
    static String reference(WharfEvent<?> event) {
        String repository = event.data().repository();
        if (repository == null) {
            return "the registry";
        }
        if (event.data().tag() != null) {
            return repository + ":" + event.data().tag();
        }
        return event.data().digest() == null ? repository : repository + "@" + event.data().digest();
    }

    /** Past-tense verb of the event, e.g. {@code pushed}. */
    static String verb(EventType type) {
        return switch (type) {
            case ARTIFACT_PUSHED -> "pushed";
            case ARTIFACT_CACHED -> "cached";
            case ARTIFACT_PULLED -> "pulled";
            case ARTIFACT_DELETED -> "deleted";
            case TAG_CREATED -> "tagged";
            case TAG_UPDATED -> "moved";
            case TAG_DELETED -> "untagged";
            case REPOSITORY_CREATED -> "created";
            case REPOSITORY_DELETED -> "deleted";
            default -> type.suffix();
        };
    }

    /** One line for one event: {@code acme/api:1.4.2 pushed}. */
    static String title(WharfEvent<?> event) {
        if (event.data() instanceof StorageEventData storage) {
            return storageTitle(event.type(), storage);
        }
        return reference(event) + " " + verb(event.type());
    }

    /**
     * {@code project acme is at 85% of its storage quota (8.5 GiB of 10 GiB)}, {@code a push to acme/api
     * was refused: …}, {@code garbage collection completed: 214 blobs, 3.6 GiB freed}.
     */
    private static String storageTitle(EventType type, StorageEventData data) {
        if (data.gc() != null) {
            StorageEventData.GcRun gc = data.gc();
            return "garbage collection " + gc.status() + (Boolean.TRUE.equals(gc.dryRun()) ? " (dry run)" : "") + ": "
                    + (gc.blobsDeleted() == null ? 0 : gc.blobsDeleted()) + " blobs, "
                    + bytes(gc.bytesFreed() == null ? 0 : gc.bytesFreed()) + " freed";
        }
        StorageEventData.Quota q = data.quota();
        String amount = q == null ? "" : "storage".equals(q.resource())
                ? " (" + bytes(q.used()) + " of " + bytes(q.limit()) + ")"
                : " (" + q.used() + " of " + q.limit() + " artifacts)";
        if (type == EventType.QUOTA_EXCEEDED) {
            return "a push to " + data.repository() + " was refused: project " + data.project() + " is over its quota" + amount;
        }
        return "project " + data.project() + " is at " + (q == null ? "?" : q.percent()) + "% of its quota" + amount;
    }

    /** {@code 3.6 GiB}, {@code 512 KiB}, {@code 17 B}. */
    static String bytes(Long value) {
        if (value == null) {
            return "?";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = value;
        int unit = 0;
        while (v >= 1024 && unit < units.length - 1) {
            v /= 1024;
            unit++;
        }
        return unit == 0 ? value + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[unit]);
    }

    /** Who did it, or "anonymous". */
    static String actor(WharfEvent<?> event) {
        if (event.data() instanceof RegistryEventData data && data.actor() != null && data.actor().name() != null) {
            return data.actor().name();
        }
        if (event.data() instanceof StorageEventData data && data.actor() != null && data.actor().name() != null) {
            return data.actor().name();
        }
        return "anonymous";
    }

    /**
     * A headline for several events: {@code 7 tags pushed to acme/api} when they are pushes of one
     * repository, else {@code 9 events in acme/api, acme/web}.
     */
    static String headline(List<WharfEvent<?>> events) {
        if (events.size() == 1) {
            return title(events.get(0));
        }
        Set<String> repositories = new LinkedHashSet<>();
        Set<String> tags = new LinkedHashSet<>();
        boolean pushes = true;
        for (WharfEvent<?> event : events) {
            repositories.add(event.data().repository() == null ? "the registry" : event.data().repository());
            pushes &= PUSHES.contains(event.type());
            Optional.ofNullable(event.data().tag()).ifPresent(tags::add);
        }
        if (pushes && repositories.size() == 1 && !tags.isEmpty()) {
            return tags.size() + (tags.size() == 1 ? " tag" : " tags") + " pushed to " + repositories.iterator().next();
        }
        return events.size() + " events in " + String.join(", ", repositories);
    }

    /** A link to what followed the event, when the registry's address is known. */
    static Optional<String> link(Optional<String> registryUrl, WharfEvent<?> event) {
        return registryUrl.map(base -> base.replaceAll("/+$", "") + "/api/v1/events/" + event.id() + "/trace");
    }
}
