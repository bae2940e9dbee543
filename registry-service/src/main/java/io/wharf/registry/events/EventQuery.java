package io.wharf.registry.events;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.wharf.events.EventType;

/**
 * Filters of the event query API; every filter that is set must match (types: any of them).
 *
 * @param project    first path segment of the repository
 * @param repository full repository name
 * @param types      registry event types; empty for all
 * @param tag        the event's tag
 * @param digest     the event's manifest digest
 * @param actor      name of the user or robot that caused the event
 * @param since      events that happened at or after this instant
 * @param until      events that happened before this instant
 * @param afterSeq   only events after this position (decoded from the cursor); 0 from the start
 * @param limit      most events in one page
 */
public record EventQuery(
        String project,
        String repository,
        Set<EventType> types,
        String tag,
        String digest,
        String actor,
        OffsetDateTime since,
        OffsetDateTime until,
        long afterSeq,
        int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final String CURSOR_PREFIX = "seq:";

    /**
     * Reads the query parameters as given in a request; throws {@link InvalidEventQueryException}
     * naming the parameter that is wrong. Types are CloudEvents types ({@code io.wharf.tag.created})
     * or their short form ({@code tag.created}); times are ISO-8601 with an offset.
     */
    public static EventQuery parse(String project, String repository, List<String> types, String tag, String digest,
                                   String actor, String since, String until, String cursor, String limit) {
        OffsetDateTime from = time("since", since);
        OffsetDateTime to = time("until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidEventQueryException("since", "since must be before until");
        }
        return new EventQuery(blankToNull(project), blankToNull(repository), types(types), blankToNull(tag),
                blankToNull(digest), blankToNull(actor), from, to, decodeCursor(cursor), limit(limit));
    }

    /** The opaque cursor that continues after the event at {@code seq}. */
    public static String cursorAfter(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_PREFIX + seq).getBytes(StandardCharsets.UTF_8));
    }

    static long decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(CURSOR_PREFIX)) {
                long seq = Long.parseLong(text.substring(CURSOR_PREFIX.length()));
                if (seq >= 0) {
                    return seq;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal below (NumberFormatException is an IllegalArgumentException)
        }
        throw new InvalidEventQueryException("cursor", "cursor is not one this API returned");
    }

    private static Set<EventType> types(List<String> values) {
        Set<EventType> types = new LinkedHashSet<>();
        for (String value : values == null ? List.<String>of() : values) {
            if (value == null || value.isBlank()) {
                continue;
            }
            String full = value.startsWith(EventType.TYPE_PREFIX) ? value : EventType.TYPE_PREFIX + value;
            EventType type = EventType.find(full).filter(t -> t.isRegistryEvent() || t.isStorageEvent())
                    .orElseThrow(() -> new InvalidEventQueryException("type", "unknown registry event type: " + value));
            types.add(type);
        }
        return Set.copyOf(types);
    }

    private static OffsetDateTime time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidEventQueryException(name, name + " must be an ISO-8601 time with offset, e.g. 2026-01-31T12:00:00Z");
        }
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new InvalidEventQueryException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return n;
    }

    /** Whether an event with these attributes passes every filter but the time range and the cursor (the live tail's test). */
    public boolean matches(String type, String eventProject, String eventRepository, String eventTag, String eventDigest, String eventActor) {
        return (types.isEmpty() || types.stream().anyMatch(t -> t.cloudEventType().equals(type)))
                && matches(project, eventProject) && matches(repository, eventRepository) && matches(tag, eventTag)
                && matches(digest, eventDigest) && matches(actor, eventActor);
    }

    private static boolean matches(String filter, String value) {
        return filter == null || filter.equals(value);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
