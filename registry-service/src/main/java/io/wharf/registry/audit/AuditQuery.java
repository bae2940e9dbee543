package io.wharf.registry.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * What an audit query asks for; every filter is optional.
 *
 * @param actor        entries by this user or robot
 * @param action       entries of this action, or of actions starting with it when {@code actionPrefix}
 * @param actionPrefix {@code action} was given as a prefix ({@code member.} or {@code member.*})
 * @param project      entries of this project
 * @param from         entries at or after this time
 * @param to           entries before this time
 * @param after        continue after this entry (from the cursor), newest first; null from the newest
 * @param limit        page size, 1 to {@value #MAX_LIMIT}
 */
public record AuditQuery(String actor, String action, boolean actionPrefix, String project, OffsetDateTime from,
        OffsetDateTime to, Position after, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final String CURSOR_PREFIX = "a1:";

    /** Where a page ended: the last entry's time and id. */
    public record Position(OffsetDateTime time, UUID id) {
    }

    /** Reads the query parameters; {@link InvalidAuditQueryException} names the one that is wrong. */
    public static AuditQuery parse(String actor, String action, String project, String from, String to, String cursor, String limit) {
        String a = blankToNull(action);
        boolean prefix = false;
        if (a != null && a.endsWith("*")) {
            a = a.substring(0, a.length() - 1);
            prefix = true;
        }
        if (a != null && a.endsWith(".")) {
            prefix = true;
        }
        if (a != null && (a.isEmpty() || a.length() > 100 || !a.matches("[a-z0-9.-]+"))) {
            throw new InvalidAuditQueryException("action", "action is an action (member.added) or a prefix (member.)");
        }
        return new AuditQuery(bounded("actor", actor), a, prefix, bounded("project", project), time("from", from), time("to", to),
                decodeCursor(cursor), limit(limit));
    }

    /** The same query, continuing after {@code position}. */
    public AuditQuery after(Position position) {
        return new AuditQuery(actor, action, actionPrefix, project, from, to, position, limit);
    }

    /** The same query with another page size. */
    public AuditQuery withLimit(int pageSize) {
        return new AuditQuery(actor, action, actionPrefix, project, from, to, after, pageSize);
    }

    /** The opaque cursor that continues after {@code position}. */
    public static String cursorAfter(Position position) {
        Instant t = position.time().toInstant();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, t);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + micros + ":" + position.id()).getBytes(StandardCharsets.UTF_8));
    }

    static Position decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(CURSOR_PREFIX)) {
                throw new IllegalArgumentException();
            }
            String[] parts = text.substring(CURSOR_PREFIX.length()).split(":", 2);
            Instant t = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
            return new Position(OffsetDateTime.ofInstant(t, ZoneOffset.UTC), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new InvalidAuditQueryException("cursor", "cursor is not one this API gave out");
        }
    }

    private static OffsetDateTime time(String name, String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidAuditQueryException(name, name + " is an RFC 3339 time with an offset, e.g. 2026-12-07T09:00:00Z");
        }
    }

    private static int limit(String value) {
        String v = blankToNull(value);
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidAuditQueryException("limit", "limit is a number from 1 to " + MAX_LIMIT);
    }

    private static String bounded(String name, String value) {
        String v = blankToNull(value);
        if (v != null && v.length() > 256) {
            throw new InvalidAuditQueryException(name, name + " is at most 256 characters");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
