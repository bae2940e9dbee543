package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * Data of a storage event ({@code quota.warning}, {@code quota.exceeded}, {@code gc.completed}):
 * what the registry's storage lifecycle did or refused. Published to {@link Topics#REGISTRY_EVENTS}
 * so that project subscribers hear about their quota like about their pushes.
 *
 * <p>A quota event names the project and the repository whose push crossed the line, and carries
 * {@link #quota}; a GC event concerns the whole registry: {@link #project} and {@link #repository}
 * are null and {@link #gc} says what the run did. Neither names a tag or a manifest digest.
 *
 * @param project    the project concerned; null for {@code gc.*}
 * @param repository the repository the refused or warning push went to; null for {@code gc.*}
 * @param quota      usage, limit and request of a {@code quota.*} event; null otherwise
 * @param gc         what a garbage-collection run did; null except for {@code gc.*}
 * @param actor      who pushed ({@code quota.*}) or asked for the run ({@code gc.*}; null for a scheduled run)
 * @param request    the HTTP request behind it, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StorageEventData(
        String project,
        String repository,
        Quota quota,
        GcRun gc,
        RegistryEventData.Actor actor,
        RegistryEventData.RequestInfo request) implements EventData {

    /** Storage events name no tag. */
    @Override
    public String tag() {
        return null;
    }

    /** Storage events name no manifest. */
    @Override
    public String digest() {
        return null;
    }

    /** The Kafka record key: the project (per-project order), or {@code "-"} for registry-wide events. */
    public String partitionKey() {
        return project != null ? project : "-";
    }

    /**
     * A project's usage against its quota when the event happened.
     *
     * @param resource  what is limited: {@code storage} (bytes) or {@code artifacts} (manifests)
     * @param used      what the project uses now, in the resource's unit
     * @param limit     the project's limit, same unit
     * @param requested what the push needed on top of {@code used} (0 when unknown)
     * @param percent   {@code used} as a percentage of {@code limit}, rounded down
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Quota(String resource, Long used, Long limit, Long requested, Integer percent) {
    }

    /**
     * One garbage-collection run.
     *
     * @param runId            the run's id, as {@code GET /api/v1/gc} lists it
     * @param dryRun           true when the run only reported what it would free
     * @param trigger          {@code schedule} or {@code manual}
     * @param status           {@code completed}, {@code stopped} or {@code failed}
     * @param blobsDeleted     blobs whose bytes were removed (would be, in a dry run)
     * @param bytesFreed       their total size
     * @param manifestsDeleted untagged manifests removed (would be, in a dry run)
     * @param startedAt        when the run started
     * @param finishedAt       when it ended
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GcRun(String runId, Boolean dryRun, String trigger, String status, Long blobsDeleted, Long bytesFreed,
                        Long manifestsDeleted, OffsetDateTime startedAt, OffsetDateTime finishedAt) {
    }
}
