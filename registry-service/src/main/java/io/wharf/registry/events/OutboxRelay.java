package io.wharf.registry.events;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;
import io.wharf.pg.PgChannels;
import io.wharf.registry.config.RegistryConfig;

/**
 * Publishes outbox rows to Kafka ({@code wharf.registry.events}, key = repository, CloudEvents
 * binary mode) in the order they were written, and stamps them published once the broker
 * acknowledged them. The registry's audit entries ({@code audit_outbox}, written by
 * {@link io.wharf.registry.audit.AuditLog}) go the same way to {@code wharf.audit} (key = project
 * or {@code -}), with the same guarantees; their outbox rows are deleted once acknowledged (the
 * entries themselves stay in {@code audit_record}).
 *
 * <p>Guarantees: at-least-once (a crash between the broker's ack and the stamp republishes the
 * batch; consumers de-duplicate by event id); per repository, records reach the topic in seq order
 * (see {@link #send}; a failed send leaves it and the rest of that repository's rows for the next
 * batch); one relay at a time across all registry
 * instances (a transaction-scoped advisory lock), so rows are not published twice in the normal case; while Kafka is down the rows wait and the pushes that wrote them
 * are unaffected.
 *
 * <p>{@code published_at} is the database clock read once per batch after the lock was taken, so
 * a batch's rows share one stamp, later than the batch before it committed: {@code (published_at, seq)} grows in
 * publication order, which the live tail ({@link EventStreams}) follows without gaps.
 *
 * <p>A commit wakes the relay of its own instance at once ({@link #wake}). When another instance holds
 * the relay lock at that moment, its batch may have been read before the commit: the woken instance
 * then wakes the others through PostgreSQL ({@code NOTIFY wharf_outbox}), so the one relaying runs
 * again as soon as its batch ends instead of at its next timer tick.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key held by the instance that publishes ("wharf-ob"). */
    public static final long RELAY_LOCK = 0x7768617266_6f62L;
    /** The PostgreSQL channel an instance wakes the other instances' relays on. */
    public static final String CHANNEL = "wharf_outbox";
    /** What {@link #publishBatch} answers when another instance holds the relay lock. */
    static final int RELAYING_ELSEWHERE = -1;
    /** A whole batch is handed to the producer at once: room for the largest batch. */
    static final int EMITTER_BUFFER = 4096;

    private final MutinyEmitter<byte[]> emitter;
    private final MutinyEmitter<byte[]> auditEmitter;
    private final RegistryConfig config;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    /** A wake-up arrived while a tick ran. */
    private final AtomicBoolean again = new AtomicBoolean();
    /** A commit on this instance asked for a tick (unlike another instance's notice, or the timer). */
    private final AtomicBoolean committed = new AtomicBoolean();
    private final String instance = UUID.randomUUID().toString();
    private final PgChannels channels;
    private PgSubscriber subscriber;

    public OutboxRelay(@Channel("registry-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER) MutinyEmitter<byte[]> emitter,
            @Channel("audit") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER) MutinyEmitter<byte[]> auditEmitter,
            RegistryConfig config, Vertx vertx, PgChannels channels) {
        this.emitter = emitter;
        this.auditEmitter = auditEmitter;
        this.config = config;
        this.vertx = vertx;
        this.channels = channels;
    }

    /**
     * Polls on a Vert.x timer: the scheduler extension looks at its triggers once a second, which
     * made a 250 ms interval a 1 s one (push → Kafka p50 of 650 ms in the system test). The timer is
     * the floor: this instance's own commits {@link #wake() wake} the relay at once, and a full batch
     * is followed by the next one without waiting (a backlog drains at the broker's pace).
     */
    void start(@Observes StartupEvent start) {
        vertx.setPeriodic(Math.max(1, config.events().relayInterval().toMillis()), id -> tickIfIdle());
        if (config.events().relayWake()) {
            subscriber = channels.listen(CHANNEL, from -> {
                if (!instance.equals(from)) {
                    wokenElsewhere();
                }
            }, this::wokenElsewhere, "other instances' commits");
        }
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * Asks for a tick now, for a caller whose transaction just committed outbox rows. If a tick is
     * running it may have read before that commit, so another one follows it.
     */
    public void wake() {
        if (!config.events().relayWake()) {
            return;
        }
        committed.set(true);
        again.set(true);
        tickIfIdle();
    }

    /**
     * Another instance committed outbox rows while this one may hold the relay lock, or this instance's
     * listener (re)connected and may have missed that: a tick, which never wakes the others in turn.
     */
    private void wokenElsewhere() {
        again.set(true);
        tickIfIdle();
    }

    /** Runs a tick unless one is still running (a slow broker must not pile them up). */
    private void tickIfIdle() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        boolean forCommit = committed.getAndSet(false);
        // Hibernate Reactive wants a duplicated context of its own, marked safe.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> tick().invoke(published -> {
            if (published == RELAYING_ELSEWHERE && forCommit) {
                channels.send(CHANNEL, instance, "a commit to the relaying instance");
            }
        }).subscribe().with(this::tickDone, failure -> tickDone(0)));
    }

    private void tickDone(int published) {
        running.set(false);
        if (published >= batchSize() || again.get()) {
            tickIfIdle();
        }
    }

    private int batchSize() {
        return Math.min(config.events().relayBatchSize(), EMITTER_BUFFER);
    }

    Uni<Integer> tick() {
        return publishBatch()
                .onFailure().invoke(e -> LOG.warnf("outbox relay: %s (will retry)", e.toString()))
                .onFailure().recoverWithItem(0);
    }

    /**
     * Publishes up to one batch of unpublished events; returns how many were published, or
     * {@link #RELAYING_ELSEWHERE} when another instance holds the relay lock.
     */
    @WithTransaction
    public Uni<Integer> publishBatch() {
        // The lock and the batch in one round trip: one row with locked = false when another instance relays, one
        // row without an event when nothing waits, else one row per event.
        return Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        SELECT l.locked, e.seq, e.id, e.type, e.subject, e.occurred_at, e.data
                        FROM (SELECT pg_try_advisory_xact_lock(:key) AS locked) l
                        LEFT JOIN LATERAL (SELECT seq, id, type, subject, occurred_at, data FROM registry_event
                                           WHERE l.locked AND published_at IS NULL ORDER BY seq LIMIT :limit) e ON true
                        ORDER BY e.seq""",
                        Object[].class)
                .setParameter("key", RELAY_LOCK)
                .setParameter("limit", batchSize())
                .getResultList()
                .chain(locked -> !Boolean.TRUE.equals(locked.get(0)[0]) ? Uni.createFrom().item(RELAYING_ELSEWHERE) : Uni.createFrom()
                        .item(locked.stream().filter(row -> row[1] != null).map(row -> Arrays.copyOfRange(row, 1, row.length)).toList())
                        .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : send(rows)
                                .chain(seqs -> seqs.isEmpty() ? Uni.createFrom().item(0) : session.createNativeQuery(
                                        // One reading of the clock for the whole batch (an uncorrelated sub-select runs
                                        // once): clock_timestamp() itself would be read row by row, in whatever order the
                                        // update visits them, and the tail would see a batch out of seq order.
                                        "UPDATE registry_event SET published_at = (SELECT clock_timestamp()) WHERE seq IN (:seqs)")
                                        .setParameter("seqs", seqs)
                                        .executeUpdate()))
                        .chain(published -> publishAudit(session).map(audited -> published + audited))));
    }

    /** Publishes up to one batch of audit entries and deletes their outbox rows; returns how many. */
    private Uni<Integer> publishAudit(Mutiny.Session session) {
        return session.createNativeQuery("SELECT seq, id, type, subject, occurred_at, data FROM audit_outbox ORDER BY seq LIMIT :limit",
                        Object[].class)
                .setParameter("limit", batchSize())
                .getResultList()
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : send(rows)
                        .chain(seqs -> seqs.isEmpty() ? Uni.createFrom().item(0)
                                : session.createNativeQuery("DELETE FROM audit_outbox WHERE seq IN (:seqs)")
                                        .setParameter("seqs", seqs)
                                        .executeUpdate()));
    }

    /**
     * Sends the rows and returns the seqs to stamp. Repositories go concurrently. Within one, the
     * first row is sent alone; once the broker acknowledged it, the rest go to the producer at once,
     * in seq order: the producer is idempotent (acks=all, at most 5 requests in flight), so Kafka
     * keeps the partition's order through its retries and batches what it can. Waiting for each ack
     * before the next send capped a repository at one round trip per event (28 events/s on a loaded
     * 2-core machine); sending everything at once let records overtake each other while the broker
     * came back from an outage (a send timing out while waiting for metadata, the next one not).
     * A repository's rows are stamped only up to its first failed send; the rows behind it are sent
     * again by a later batch, even those the broker took (at-least-once: consumers de-duplicate by
     * event id).
     */
    private Uni<List<Long>> send(List<Object[]> rows) {
        Map<String, List<Outgoing>> byRepository = new LinkedHashMap<>();
        for (Object[] row : rows) {
            Outgoing out = new Outgoing(((Number) row[0]).longValue(), toEvent(row));
            byRepository.computeIfAbsent(out.event().partitionKey(), k -> new ArrayList<>()).add(out);
        }
        List<Uni<List<Long>>> chains = new ArrayList<>(byRepository.size());
        byRepository.values().forEach(inOrder -> chains.add(sendRepository(inOrder)));
        return Uni.join().all(chains).andFailFast()
                .map(acked -> acked.stream().flatMap(List::stream).toList());
    }

    /** An outbox row read back as its event (decoded once per batch). */
    private record Outgoing(long seq, WharfEvent<?> event) {
    }

    /** One repository's rows: the first alone, then the rest pipelined; the seqs acked without a gap. */
    private Uni<List<Long>> sendRepository(List<Outgoing> rows) {
        return sendOne(rows.get(0).event()).chain(first -> {
            if (!first) {
                return Uni.createFrom().item(List.<Long>of());
            }
            List<Outgoing> rest = rows.subList(1, rows.size());
            Uni<List<Boolean>> sent = rest.isEmpty() ? Uni.createFrom().item(List.of())
                    // the join subscribes to the sends in list order, which is seq order
                    : Uni.join().all(rest.stream().map(out -> sendOne(out.event())).toList()).andFailFast();
            return sent.map(ok -> {
                List<Long> acked = new ArrayList<>(rows.size());
                acked.add(rows.get(0).seq());
                for (int i = 0; i < rest.size() && ok.get(i); i++) {
                    acked.add(rest.get(i).seq());
                }
                return acked;
            });
        });
    }

    /** Sends one event; true once the broker acknowledged it, false when it did not (logged). */
    private Uni<Boolean> sendOne(WharfEvent<?> event) {
        Message<byte[]> message = Message.of(EventCodec.dataBytes(event)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.partitionKey())
                .withHeaders(EventCodec.kafkaHeaders(event))
                .build());
        return (event.type().isAuditEvent() ? auditEmitter : emitter).sendMessage(message)
                .ifNoItem().after(Duration.ofSeconds(30)).failWith(() -> new IllegalStateException("Kafka did not acknowledge in 30 s"))
                .replaceWith(Boolean.TRUE)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("outbox relay: %s of %s not published, retried with the rest of %s: %s",
                            event.id(), event.partitionKey(), event.partitionKey(), e.toString());
                    return Boolean.FALSE;
                });
    }

    private static WharfEvent<?> toEvent(Object[] row) {
        EventType type = EventType.fromCloudEventType((String) row[2]);
        byte[] data = ((String) row[5]).getBytes(StandardCharsets.UTF_8);
        OffsetDateTime time = row[4] instanceof OffsetDateTime t ? t : OffsetDateTime.parse(row[4].toString());
        return new WharfEvent<>(row[1].toString(), type, EventRecorder.SOURCE, (String) row[3], time, EventCodec.readData(type, data));
    }
}
