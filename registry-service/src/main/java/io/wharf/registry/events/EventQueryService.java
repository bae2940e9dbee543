package io.wharf.registry.events;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.events.EventType;
import io.wharf.registry.auth.ReadableProjects;
import io.wharf.registry.config.RegistryConfig;

/**
 * Answers the event query API from the outbox table (the registry's event history) and the
 * pipeline outcomes received from Kafka. Every answer is limited to what {@link EventAccess} lets
 * the caller read.
 *
 * <p>Queries see every committed event, published to Kafka yet or not. The live tail sees events
 * once the relay published them, in publication order (per repository, the order they happened).
 */
@ApplicationScoped
public class EventQueryService {

    private static final String COLUMNS = "seq, id, type, subject, occurred_at, data";

    private final EventAccess access;
    private final RegistryConfig config;
    private final Vertx vertx;

    public EventQueryService(EventAccess access, RegistryConfig config, Vertx vertx) {
        this.access = access;
        this.config = config;
        this.vertx = vertx;
    }

    /** One page of events matching the query, oldest first. */
    public Uni<EventPage> list(EventQuery query) {
        return access.readableProjects().chain(readable -> {
            if (readable.none()) {
                return Uni.createFrom().item(new EventPage(List.of(), null));
            }
            Filter filter = Filter.of(query, readable);
            filter.where.append(" AND seq > :after");
            filter.params.put("after", query.afterSeq());
            String sql = "SELECT " + COLUMNS + " FROM registry_event WHERE " + filter.where + " ORDER BY seq LIMIT :limit";
            return Panache.withSession(() -> Panache.getSession().chain(session -> filter
                    .bind(session.createNativeQuery(sql, Object[].class))
                    .setParameter("limit", query.limit() + 1)
                    .getResultList()))
                    .map(rows -> {
                        boolean more = rows.size() > query.limit();
                        List<Object[]> page = more ? rows.subList(0, query.limit()) : rows;
                        String next = more ? EventQuery.cursorAfter(seq(page.get(page.size() - 1))) : null;
                        return new EventPage(page.stream().map(EventQueryService::registryView).toList(), next);
                    });
        });
    }

    /** The registry event with this id, or null when there is none the caller may read. */
    public Uni<EventView> get(String id) {
        return find(id).map(found -> found == null ? null : registryView(found));
    }

    /** The registry event with this id and the pipeline outcomes that followed it, or null as {@link #get}. */
    public Uni<EventTrace> trace(String id) {
        return find(id).chain(found -> found == null ? Uni.createFrom().nullItem() : Panache.withSession(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("""
                                SELECT id, type, source, subject, occurred_at, data FROM pipeline_event
                                WHERE event_id = :eventId ORDER BY occurred_at, seq""", Object[].class)
                        .setParameter("eventId", found[1].toString())
                        .getResultList()))
                .map(rows -> new EventTrace(registryView(found), rows.stream()
                        .map(r -> EventView.of((String) r[0], (String) r[1], (String) r[2], (String) r[3], time(r[4]), (String) r[5]))
                        .toList())));
    }

    private Uni<Object[]> find(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().nullItem();
        }
        return access.readableProjects().chain(readable -> Panache.withSession(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("SELECT " + COLUMNS + ", project FROM registry_event WHERE id = :id", Object[].class)
                        .setParameter("id", uuid)
                        .getResultList()))
                .map(rows -> rows.isEmpty() || !readable.allows((String) rows.get(0)[6]) ? null : rows.get(0)));
    }

    /**
     * Events matching the query's filters as they are published from now on, until the subscriber
     * cancels. Ignores the query's cursor, limit and time range. Each subscription polls the database
     * every {@code wharf.registry.events.tail-interval}, only while it is subscribed.
     */
    public Multi<EventView> tail(EventQuery query) {
        // Hibernate Reactive runs on a Vert.x context: the polls run on this subscription's own one.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        // Asked now, while the request (and so the caller) is current; resolved on the new context.
        Uni<ReadableProjects> readableProjects = access.readableProjects();
        return onContext(context, () -> readableProjects).onItem().transformToMulti(readable -> {
            Filter filter = Filter.of(query, readable);
            AtomicReference<Position> position = new AtomicReference<>();
            Uni<Position> start = onContext(context, () -> Panache.withSession(() -> Panache.getSession().chain(session -> session
                    .createNativeQuery("""
                            SELECT seq, published_at FROM registry_event WHERE published_at IS NOT NULL
                            ORDER BY published_at DESC, seq DESC LIMIT 1""", Object[].class)
                    .getResultList())))
                    .map(rows -> rows.isEmpty() ? Position.START : new Position(time(rows.get(0)[1]), seq(rows.get(0))))
                    .invoke(position::set);
            String sql = "SELECT " + COLUMNS + ", published_at FROM registry_event WHERE " + filter.where
                    + " AND published_at IS NOT NULL AND (published_at, seq) > (:publishedAt, :after)"
                    + " ORDER BY published_at, seq LIMIT 500";
            Multi<EventView> polls = Multi.createFrom().ticks().every(config.events().tailInterval())
                    .onOverflow().drop()
                    .onItem().transformToUniAndConcatenate(tick -> readable.none() ? Uni.createFrom().item(List.<Object[]>of())
                            : onContext(context, () -> Panache.withSession(() -> Panache.getSession().chain(session -> filter
                                    .bind(session.createNativeQuery(sql, Object[].class))
                                    .setParameter("publishedAt", position.get().publishedAt())
                                    .setParameter("after", position.get().seq())
                                    .getResultList()))))
                    .onItem().transformToIterable(rows -> {
                        if (!rows.isEmpty()) {
                            Object[] last = rows.get(rows.size() - 1);
                            position.set(new Position(time(last[6]), seq(last)));
                        }
                        return rows.stream().map(EventQueryService::registryView).toList();
                    });
            return start.onItem().transformToMulti(p -> polls);
        });
    }

    private static <T> Uni<T> onContext(Context context, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> context.runOnContext(v -> work.get().subscribe().with(emitter::complete, emitter::fail)));
    }

    private record Position(OffsetDateTime publishedAt, long seq) {
        static final Position START = new Position(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), 0);
    }

    /** The WHERE clause (without cursor) for a query's filters and the caller's readable projects. */
    private static final class Filter {
        final StringBuilder where = new StringBuilder("TRUE");
        final Map<String, Object> params = new LinkedHashMap<>();

        static Filter of(EventQuery q, ReadableProjects readable) {
            Filter f = new Filter();
            f.eq("project", q.project());
            f.eq("repository", q.repository());
            f.eq("tag", q.tag());
            f.eq("digest", q.digest());
            f.eq("actor", q.actor());
            if (!q.types().isEmpty()) {
                f.where.append(" AND type IN (:types)");
                f.params.put("types", q.types().stream().map(EventType::cloudEventType).toList());
            }
            if (q.since() != null) {
                f.where.append(" AND occurred_at >= :since");
                f.params.put("since", q.since());
            }
            if (q.until() != null) {
                f.where.append(" AND occurred_at < :until");
                f.params.put("until", q.until());
            }
            if (!readable.all()) {
                f.where.append(" AND project IN (:readable)");
                f.params.put("readable", new ArrayList<>(readable.projects()));
            }
            return f;
        }

        private void eq(String column, String value) {
            if (value != null) {
                where.append(" AND ").append(column).append(" = :").append(column);
                params.put(column, value);
            }
        }

        <R> Mutiny.SelectionQuery<R> bind(Mutiny.SelectionQuery<R> query) {
            params.forEach(query::setParameter);
            return query;
        }
    }

    private static long seq(Object[] row) {
        return ((Number) row[0]).longValue();
    }

    private static EventView registryView(Object[] row) {
        return EventView.of(row[1].toString(), (String) row[2], EventRecorder.SOURCE.toString(), (String) row[3], time(row[4]), (String) row[5]);
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
