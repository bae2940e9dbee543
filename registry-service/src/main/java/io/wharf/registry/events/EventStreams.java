package io.wharf.registry.events;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.nimbusds.jwt.JWTClaimsSet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.ClientAddress;
import io.wharf.registry.auth.InvalidTokenException;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.ReadableProjects;
import io.wharf.registry.auth.Tokens;
import io.wharf.registry.config.RegistryConfig;

/**
 * The live tail ({@code GET /api/v1/events/stream}). Guarantees:
 * <ul>
 * <li>one poller per instance reads newly published events ({@code wharf.registry.events.tail-interval},
 * only while a stream is open) and hands each to every stream whose filters and access match: the
 * database sees one query per interval however many streams are open;</li>
 * <li>streams per caller, per client address and in total are capped ({@link StreamConfig}); beyond
 * that {@link #open} refuses;</li>
 * <li>a stream that falls {@link StreamConfig#buffer} events behind is ended, never buffered further;</li>
 * <li>every {@link StreamConfig#recheckInterval} each stream's access is asked again of
 * {@link EventAccess}: one that lost a project it could read (a membership removed, a project made
 * private) ends, and redaction follows membership; a stream ends when its caller's credentials
 * expire, and when the API token it was opened with is revoked.</li>
 * </ul>
 * Streams see events once the relay published them, in publication order (per repository, the order they happened).
 */
@ApplicationScoped
public class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class);
    private static final int BATCH = 500;
    private static final JWTClaimsSet EXPIRED = new JWTClaimsSet.Builder().expirationTime(new Date(0)).build();
    /** {@link EventQueryService#COLUMNS}, then what the poller positions and filters on. */
    private static final String POLL = "SELECT " + EventQueryService.COLUMNS + ", published_at, repository, tag, digest, actor"
            + " FROM registry_event WHERE published_at IS NOT NULL AND (published_at, seq) > (:publishedAt, :after)"
            + " ORDER BY published_at, seq LIMIT " + BATCH;

    private final EventAccess access;
    private final Tokens tokens;
    private final Authenticator authenticator;
    private final StreamConfig config;
    private final RegistryConfig registry;
    private final Vertx vertx;
    private final Counter polls;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicBoolean rechecking = new AtomicBoolean();
    /** Open streams per caller and per address, and in all; guarded by {@code this}. */
    private final Map<String, Integer> perCaller = new HashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private int total;
    /** Where the poller has read up to; null while no stream is open. Touched by one poll at a time. */
    private Position position;

    public EventStreams(EventAccess access, Tokens tokens, Authenticator authenticator, StreamConfig config, RegistryConfig registry, Vertx vertx, MeterRegistry meters) {
        this.access = access;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.config = config;
        this.registry = registry;
        this.vertx = vertx;
        meters.gauge("wharf.events.streams.open", streams, Set::size);
        this.polls = Counter.builder("wharf.events.stream.polls")
                .description("Database queries of the live tail's poller (one serves every open stream)").register(meters);
    }

    void start(@Observes StartupEvent start) {
        vertx.setPeriodic(Math.max(1, registry.events().tailInterval().toMillis()), id -> pollIfIdle());
        vertx.setPeriodic(Math.max(1, config.recheckInterval().toMillis()), id -> recheckIfIdle());
    }

    /**
     * A stream of the events matching the query's filters (not its cursor, limit or time range) that
     * are published from now on, for the caller of the current request; call it while the request is
     * current. Throws {@link StreamRefusedException} when a cap is reached.
     *
     * @param address  the client's address as {@link ClientAddress#of} gives it, null if unknown
     * @param apiToken the management API token the caller signed in with, null for none: the stream ends when it expires
     */
    public Multi<EventView> open(EventQuery query, String address, String apiToken) {
        EventAccess.Caller caller = access.caller();
        JWTClaimsSet token = claims(apiToken);
        Instant expiresAt = earlier(caller.expiresAt(), token == null ? null : token.getExpirationTime().toInstant());
        Slot slot = admit(callerKey(caller.principal()), address == null ? null : ClientAddress.key(address));
        Stream stream = new Stream(query, caller.principal(), token, Vertx.currentContext(), slot, expiresAt);
        Uni<EventReader> reader = access.reader(caller.principal());
        return Multi.createFrom().<EventView>emitter(emitter -> {
            stream.emitter = emitter;
            reader.subscribe().with(r -> register(stream, r), emitter::fail);
        }, BackPressureStrategy.IGNORE)
                .onOverflow().buffer(config.buffer())
                .onFailure(BackPressureFailure.class).invoke(e -> LOG.debugf("event stream of %s ended: its reader fell behind", caller.principal().name()))
                .onFailure(BackPressureFailure.class).recoverWithCompletion()
                .onTermination().invoke(() -> close(stream));
    }

    private synchronized Slot admit(String caller, String address) {
        if (total >= config.maxTotal()) {
            throw refused("this registry has the most event streams open it allows (" + config.maxTotal() + ")");
        }
        if (caller != null && perCaller.getOrDefault(caller, 0) >= config.maxPerCaller()) {
            throw refused("you have the most event streams open one caller may (" + config.maxPerCaller() + ")");
        }
        if (address != null && perAddress.getOrDefault(address, 0) >= config.maxPerAddress()) {
            throw refused("your address has the most event streams open one address may (" + config.maxPerAddress() + ")");
        }
        total++;
        if (caller != null) {
            perCaller.merge(caller, 1, Integer::sum);
        }
        if (address != null) {
            perAddress.merge(address, 1, Integer::sum);
        }
        return new Slot(caller, address);
    }

    private synchronized void release(Slot slot) {
        total--;
        decrement(perCaller, slot.caller);
        decrement(perAddress, slot.address);
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        if (key != null) {
            counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    private StreamRefusedException refused(String why) {
        return new StreamRefusedException(why + "; close one or try again later", config.retryAfter());
    }

    /** Streams are counted per account or robot; anonymous callers only per address. */
    private static String callerKey(Principal p) {
        return p.anonymous() ? null : p.kind().name().toLowerCase() + ":" + p.accountId();
    }

    /** The claims of the API token the caller signed in with (verified just now), null for none. */
    private JWTClaimsSet claims(String apiToken) {
        if (apiToken == null) {
            return null;
        }
        try {
            return tokens.verify(apiToken, Tokens.API_AUDIENCE);
        } catch (InvalidTokenException e) {
            return EXPIRED; // it verified when the request signed in: it expired in between
        }
    }

    private void register(Stream stream, EventReader reader) {
        stream.reader = reader;
        if (stream.expiresAt != null) {
            long millis = Duration.between(Instant.now(), stream.expiresAt).toMillis();
            stream.timer = vertx.setTimer(Math.max(1, millis), id -> stream.end());
        }
        streams.add(stream);
        if (stream.closed.get()) {
            streams.remove(stream);
        }
        pollIfIdle();
    }

    private void close(Stream stream) {
        if (stream.closed.compareAndSet(false, true)) {
            streams.remove(stream);
            if (stream.timer >= 0) {
                vertx.cancelTimer(stream.timer);
            }
            release(stream.slot);
        }
    }

    // ---- the poller

    /** Polls unless a poll is running; a full batch is followed by the next one at once. */
    private void pollIfIdle() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        if (streams.isEmpty()) {
            position = null; // the next stream starts from what is published then
            polling.set(false);
            return;
        }
        // Hibernate Reactive wants a duplicated context of its own, marked safe.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> poll().subscribe().with(full -> {
            polling.set(false);
            if (full) {
                pollIfIdle();
            }
        }, failure -> {
            LOG.warnf("event stream poll: %s (will retry)", failure.toString());
            polling.set(false);
        }));
    }

    /** One query: where publication stands (first poll), else the events published since; true when a batch was full. */
    private Uni<Boolean> poll() {
        polls.increment();
        if (position == null) {
            return Panache.withSession(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                            SELECT seq, published_at FROM registry_event WHERE published_at IS NOT NULL
                            ORDER BY published_at DESC, seq DESC LIMIT 1""", Object[].class).getResultList()))
                    .map(rows -> {
                        position = rows.isEmpty() ? Position.START
                                : new Position(EventQueryService.time(rows.get(0)[1]), EventQueryService.seq(rows.get(0)));
                        return false;
                    });
        }
        Position from = position;
        return Panache.withSession(() -> Panache.getSession().chain(session -> session.createNativeQuery(POLL, Object[].class)
                        .setParameter("publishedAt", from.publishedAt())
                        .setParameter("after", from.seq())
                        .getResultList()))
                .map(rows -> {
                    for (Object[] row : rows) {
                        position = new Position(EventQueryService.time(row[7]), EventQueryService.seq(row));
                        fanOut(row);
                    }
                    return rows.size() >= BATCH;
                });
    }

    private void fanOut(Object[] row) {
        String type = (String) row[2];
        String project = EventQueryService.project(row);
        EventView whole = EventView.of(row[1].toString(), type, EventRecorder.SOURCE.toString(), (String) row[3],
                EventQueryService.time(row[4]), (String) row[5]);
        EventView redacted = null;
        for (Stream stream : streams) {
            EventReader reader = stream.reader;
            if (reader.readable().allows(project)
                    && stream.query.matches(type, project, (String) row[8], (String) row[9], (String) row[10], (String) row[11])) {
                if (reader.members().allows(project)) {
                    stream.send(whole);
                } else {
                    redacted = redacted == null ? EventRedaction.redact(whole) : redacted;
                    stream.send(redacted);
                }
            }
        }
    }

    // ---- access re-checks

    /**
     * Asks each open stream's caller's access again, and whether the API token a stream was opened
     * with still holds ({@link Authenticator#bound}: not revoked by a password change, a deleted
     * account or token); one caller, then one token, at a time: the pool is not multiplied by streams.
     */
    private void recheckIfIdle() {
        if (streams.isEmpty() || !rechecking.compareAndSet(false, true)) {
            return;
        }
        Map<Principal, List<Stream>> byCaller = streams.stream().collect(Collectors.groupingBy(s -> s.principal));
        Map<JWTClaimsSet, List<Stream>> byToken = streams.stream().filter(s -> s.token != null)
                .collect(Collectors.groupingBy(s -> s.token));
        Multi<Void> readers = Multi.createFrom().iterable(byCaller.entrySet())
                .onItem().transformToUniAndConcatenate(callers -> access.reader(callers.getKey())
                        .invoke(reader -> callers.getValue().forEach(s -> s.update(reader))).replaceWithVoid());
        Multi<Void> credentials = Multi.createFrom().iterable(byToken.entrySet())
                .onItem().transformToUniAndConcatenate(bearers -> authenticator.bound(bearers.getKey())
                        .invoke(holds -> {
                            if (holds == null) {
                                bearers.getValue().forEach(Stream::end);
                            }
                        }).replaceWithVoid());
        Multi.createBy().concatenating().streams(readers, credentials)
                .onFailure().invoke(e -> LOG.warnf("event stream access check: %s (will retry)", e.toString()))
                .collect().last()
                .subscribe().with(done -> rechecking.set(false), failure -> rechecking.set(false));
    }

    /** Whether {@code now} lets the caller read every project {@code before} did. */
    static boolean covers(ReadableProjects now, ReadableProjects before) {
        return now.all() || !before.all() && now.projects().containsAll(before.projects());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    /** Where the poller has read up to, in publication order. */
    private record Position(OffsetDateTime publishedAt, long seq) {
        static final Position START = new Position(OffsetDateTime.parse("1970-01-01T00:00:00Z"), 0);
    }

    /** A stream's share of the caps; released once, when the stream ends. */
    private record Slot(String caller, String address) {
    }

    /** One open stream. */
    private static final class Stream {
        final EventQuery query;
        final Principal principal;
        /** The claims of the API token the stream was opened with, null for other credentials. */
        final JWTClaimsSet token;
        /** The request's context: the stream's events are emitted there, in order. */
        final Context context;
        final Slot slot;
        final Instant expiresAt;
        final AtomicBoolean closed = new AtomicBoolean();
        volatile MultiEmitter<? super EventView> emitter;
        volatile EventReader reader;
        volatile long timer = -1;

        Stream(EventQuery query, Principal principal, JWTClaimsSet token, Context context, Slot slot, Instant expiresAt) {
            this.query = query;
            this.principal = principal;
            this.token = token;
            this.context = context;
            this.slot = slot;
            this.expiresAt = expiresAt;
        }

        void send(EventView event) {
            run(() -> emitter.emit(event));
        }

        void end() {
            run(() -> emitter.complete());
        }

        /** Takes the caller's access as it is now; ends the stream when it lost a project it could read. */
        void update(EventReader now) {
            boolean lost = !covers(now.readable(), reader.readable());
            reader = now;
            if (lost) {
                end();
            }
        }

        private void run(Runnable task) {
            if (context == null) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        }
    }
}
