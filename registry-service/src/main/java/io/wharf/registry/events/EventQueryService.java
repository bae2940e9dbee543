package io.wharf.registry.events;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventType;
import io.wharf.registry.auth.ReadableProjects;

/**
 * Answers the event query API from the outbox table (the registry's event history) and the
 * pipeline outcomes received from Kafka. Every answer is limited to what {@link EventAccess} lets
 * the caller read, and redacted where the caller is no member ({@link EventReader#view}).
 * Queries see every committed event, published to Kafka yet or not (the live tail is {@link EventStreams}).
 */
@ApplicationScoped
public class EventQueryService {

    /** Columns of a registry event row as {@link #registryView} reads them. */
    static final String COLUMNS = "seq, id, type, subject, occurred_at, data, project";

    private final EventAccess access;

    public EventQueryService(EventAccess access) {
        this.access = access;
    }

    /**
     * One page of events matching the query, oldest first or newest first as it asks. An anonymous caller must name a public
     * project (by {@code project} or {@code repository}): any other anonymous query is refused
     * ({@link SignInRequiredException}) rather than answered with the empty page it would get.
     */
    public Uni<EventPage> list(EventQuery query) {
        EventAccess.Caller caller = access.caller();
        return access.reader(caller.principal()).chain(reader -> {
            if (caller.principal().anonymous() && !aboutReadableProjectsOnly(query, reader)) {
                throw new SignInRequiredException("sign in to read events, or filter by a public project or repository");
            }
            if (reader.readable().none()) {
                return Uni.createFrom().item(new EventPage(List.of(), null));
            }
            List<String> leading = leadingColumns(query);
            Filter filter = Filter.of(query, reader.readable(), leading);
            if (query.cursorSeq() > 0) {
                filter.where.append(query.newestFirst() ? " AND seq < :cursor" : " AND seq > :cursor");
                filter.params.put("cursor", query.cursorSeq());
            }
            String direction = query.newestFirst() ? " DESC" : "";
            StringBuilder order = new StringBuilder();
            for (String column : leading) {
                order.append(column).append(direction).append(", ");
            }
            String sql = "SELECT " + COLUMNS + " FROM registry_event WHERE " + filter.where
                    + " ORDER BY " + order + "seq" + direction + " LIMIT :limit";
            return Panache.withSession(() -> Panache.getSession().chain(session -> filter
                    .bind(session.createNativeQuery(sql, Object[].class))
                    .setParameter("limit", query.limit() + 1)
                    .getResultList()))
                    .map(rows -> {
                        boolean more = rows.size() > query.limit();
                        List<Object[]> page = more ? rows.subList(0, query.limit()) : rows;
                        String next = more ? query.cursorPast(seq(page.get(page.size() - 1))) : null;
                        return new EventPage(page.stream().map(row -> registryView(row, reader)).toList(), next);
                    });
        });
    }

    /**
     * Columns of the query's most selective single-valued filter, to order by ahead of seq. They are
     * constant in the result, so the order is the same; but only that filter's (column, seq) index
     * yields it, so the page is read from that index instead of by walking the whole sequence and
     * filtering, which is what the planner picks for a common value (it cannot know that, say, every
     * {@code repository.created} lies at the far end of the sequence from where the walk starts).
     * {@link Filter} writes these filters as {@code column >= x AND column <= x}: the planner drops an
     * ordering column that an equality pins to one value, and with it the reason to use the index.
     */
    static List<String> leadingColumns(EventQuery q) {
        if (q.digest() != null) {
            return List.of("digest");
        }
        if (q.repository() != null) {
            return q.tag() != null ? List.of("repository", "tag") : List.of("repository");
        }
        if (q.actor() != null) {
            return List.of("actor");
        }
        if (q.project() != null) {
            return List.of("project");
        }
        if (q.types().size() == 1) {
            return List.of("type");
        }
        return List.of();
    }

    /** True when the query names a project (directly or as its repository's first segment) that the reader may read. */
    private static boolean aboutReadableProjectsOnly(EventQuery query, EventReader reader) {
        if (query.project() != null && !reader.readable().allows(query.project())) {
            return false;
        }
        if (query.repository() != null && !reader.readable().allows(query.repository().split("/", 2)[0])) {
            return false;
        }
        return query.project() != null || query.repository() != null;
    }

    /**
     * The registry event with this id, or null when there is none the caller may read; an anonymous
     * caller gets {@link SignInRequiredException} instead of null (the event may be in a project it
     * would read once signed in).
     */
    public Uni<EventView> get(String id) {
        return find(id).map(found -> found == null ? null : registryView(found.row(), found.reader()));
    }

    /** The registry event with this id and the pipeline outcomes that followed it, or null as {@link #get}. */
    public Uni<EventTrace> trace(String id) {
        return find(id).chain(found -> found == null ? Uni.createFrom().nullItem() : Panache.withSession(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("""
                                SELECT id, type, source, subject, occurred_at, data FROM pipeline_event
                                WHERE event_id = :eventId ORDER BY occurred_at, seq""", Object[].class)
                        .setParameter("eventId", found.row()[1].toString())
                        .getResultList()))
                .map(rows -> new EventTrace(registryView(found.row(), found.reader()), rows.stream()
                        .map(r -> found.reader().view(EventView.of((String) r[0], (String) r[1], (String) r[2], (String) r[3], time(r[4]),
                                (String) r[5]), project(found.row())))
                        .toList())));
    }

    private Uni<Found> find(String id) {
        EventAccess.Caller caller = access.caller();
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().nullItem();
        }
        return access.reader(caller.principal()).chain(reader -> Panache.withSession(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("SELECT " + COLUMNS + " FROM registry_event WHERE id = :id", Object[].class)
                        .setParameter("id", uuid)
                        .getResultList()))
                .map(rows -> {
                    if (!rows.isEmpty() && reader.readable().allows(project(rows.get(0)))) {
                        return new Found(rows.get(0), reader);
                    }
                    if (caller.principal().anonymous()) {
                        throw new SignInRequiredException("sign in to read this event (anonymous callers read events of public projects only)");
                    }
                    return null;
                }));
    }

    /** A registry event row and the reader who found it. */
    private record Found(Object[] row, EventReader reader) {
    }

    /**
     * The WHERE clause (without cursor) for a query's filters and the caller's readable projects.
     *
     * <p>A time range is also given as a seq range. Times and seqs grow together but not in lockstep
     * ({@code occurred_at} is the pusher's clock before its insert, seq is taken at the insert), so the
     * planner cannot know where a time range lies in seq order: paging by seq it would walk the sequence
     * (or a filter's own (column, seq) index) from its start (oldest first) or end (newest first) through
     * every event outside the range. The bounds include every event of the range and little else: the
     * least and greatest seq of the range's hours in {@code registry_event_hour} (published events,
     * counted when their {@code published_at} is stamped), and of the unpublished events in the range
     * (few; their own partial index). A bound that finds no event at all makes the page empty, as it is.
     */
    private static final class Filter {
        final StringBuilder where = new StringBuilder("TRUE");
        final Map<String, Object> params = new LinkedHashMap<>();
        /** Filters written as a range, see {@link #leadingColumns}. */
        private List<String> leading = List.of();

        static Filter of(EventQuery q, ReadableProjects readable, List<String> leading) {
            Filter f = new Filter();
            f.leading = leading;
            f.eq("project", q.project());
            f.eq("repository", q.repository());
            f.eq("tag", q.tag());
            f.eq("digest", q.digest());
            f.eq("actor", q.actor());
            if (leading.contains("type")) {
                f.eq("type", q.types().iterator().next().cloudEventType());
            } else if (!q.types().isEmpty()) {
                f.where.append(" AND type IN (:types)");
                f.params.put("types", q.types().stream().map(EventType::cloudEventType).toList());
            }
            if (q.since() != null) {
                f.where.append(" AND occurred_at >= :since");
                f.params.put("since", q.since());
                f.where.append(" AND seq >= (SELECT least((SELECT min(min_seq) FROM registry_event_hour WHERE hour >= :sinceHour), ")
                        .append("(SELECT min(seq) FROM registry_event WHERE published_at IS NULL AND occurred_at >= :since)))");
                f.params.put("sinceHour", hour(q.since()));
            }
            if (q.until() != null) {
                f.where.append(" AND occurred_at < :until");
                f.params.put("until", q.until());
                f.where.append(" AND seq <= (SELECT greatest((SELECT max(max_seq) FROM registry_event_hour WHERE hour <= :untilHour), ")
                        .append("(SELECT max(seq) FROM registry_event WHERE published_at IS NULL AND occurred_at < :until)))");
                f.params.put("untilHour", hour(q.until()));
            }
            if (!readable.all()) {
                f.where.append(" AND project IN (:readable)");
                f.params.put("readable", new ArrayList<>(readable.projects()));
            }
            return f;
        }

        /** The hour of registry_event_hour that holds this instant (whole hours since the epoch). */
        private static long hour(OffsetDateTime t) {
            return Math.floorDiv(t.toEpochSecond(), 3600L);
        }

        private void eq(String column, String value) {
            if (value != null) {
                if (leading.contains(column)) {
                    where.append(" AND ").append(column).append(" >= :").append(column).append(" AND ").append(column).append(" <= :").append(column);
                } else {
                    where.append(" AND ").append(column).append(" = :").append(column);
                }
                params.put(column, value);
            }
        }

        <R> Mutiny.SelectionQuery<R> bind(Mutiny.SelectionQuery<R> query) {
            params.forEach(query::setParameter);
            return query;
        }
    }

    static long seq(Object[] row) {
        return ((Number) row[0]).longValue();
    }

    static String project(Object[] row) {
        return (String) row[6];
    }

    /** The event of a row selected with {@link #COLUMNS}, as the reader may see it. */
    static EventView registryView(Object[] row, EventReader reader) {
        return reader.view(EventView.of(row[1].toString(), (String) row[2], EventRecorder.SOURCE.toString(), (String) row[3], time(row[4]),
                (String) row[5]), project(row));
    }

    static OffsetDateTime time(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof LocalDateTime l) {
            return l.atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(value.toString());
    }
}
