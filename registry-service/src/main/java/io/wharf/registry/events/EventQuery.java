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
 * @param newestFirst pages newest first (order=desc) instead of oldest first (order=asc, the default)
 * @param cursorSeq  only events past this position in the page order (decoded from the cursor): a
 *                   greater seq oldest first, a smaller one newest first; 0 to start at the first event
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
        boolean newestFirst,
        long cursorSeq,
        int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /** Cursor of an oldest-first page (seq:N, as before order existed) and of a newest-first one. */
    private static final String CURSOR_PREFIX = "seq:";
    private static final String DESC_CURSOR_PREFIX = "desc:";
    /** Values of the order parameter. */
    public static final String ASC = "asc";
    public static final String DESC = "desc";

    /**
     * Reads the query parameters as given in a request; throws {@link InvalidEventQueryException}
     * naming the parameter that is wrong. Types are CloudEvents types ({@code io.wharf.tag.created})
     * or their short form ({@code tag.created}); times are ISO-8601 with an offset; order is {@code asc}
     * (oldest first, the default) or {@code desc} (newest first), and a cursor continues only the order
     * that returned it.
     */
    public static EventQuery parse(String project, String repository, List<String> types, String tag, String digest,
                                   String actor, String since, String until, String order, String cursor, String limit) {
        OffsetDateTime from = time("since", since);
        OffsetDateTime to = time("until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidEventQueryException("since", "since must be before until");
        }
        boolean newestFirst = newestFirst(order);
        return new EventQuery(blankToNull(project), blankToNull(repository), types(types), blankToNull(tag),
                blankToNull(digest), blankToNull(actor), from, to, newestFirst, decodeCursor(cursor, newestFirst), limit(limit));
    }

    /** The opaque cursor that continues this query's order past the event at {@code seq}. */
    public String cursorPast(long seq) {
        String text = (newestFirst ? DESC_CURSOR_PREFIX : CURSOR_PREFIX) + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean newestFirst(String order) {
        if (order == null || order.isBlank() || ASC.equals(order)) {
            return false;
        }
        if (DESC.equals(order)) {
            return true;
        }
        throw new InvalidEventQueryException("order", "order must be asc (oldest first) or desc (newest first)");
    }

    static long decodeCursor(String cursor, boolean newestFirst) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        String prefix = newestFirst ? DESC_CURSOR_PREFIX : CURSOR_PREFIX;
        String other = newestFirst ? CURSOR_PREFIX : DESC_CURSOR_PREFIX;
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventQueryException("cursor", "cursor is not one this API returned");
        }
        if (text.startsWith(other)) {
            throw new InvalidEventQueryException("cursor", "cursor continues the other order: pass the order that returned it");
        }
        if (text.startsWith(prefix)) {
            try {
                long seq = Long.parseLong(text.substring(prefix.length()));
                if (seq > 0 || (seq == 0 && !newestFirst)) {
                    return seq;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
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
