package io.wharf.registry.events;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;
import io.wharf.registry.config.RegistryConfig;

/**
 * Publishes outbox rows to Kafka ({@code wharf.registry.events}, key = repository, CloudEvents
 * binary mode) in the order they were written, and stamps them published once the broker
 * acknowledged them.
 *
 * <p>Guarantees: at-least-once (a crash between the broker's ack and the stamp republishes the
 * batch; consumers de-duplicate by event id); per repository, records reach the topic in seq order
 * (a repository's next row is sent only after the broker acknowledged the one before, and a failed
 * send leaves it and the rest of that repository's rows for the next batch); one relay at a time across all registry
 * instances (a transaction-scoped advisory lock), so rows are not published twice in the normal case; while Kafka is down the rows wait and the pushes that wrote them
 * are unaffected.
 *
 * <p>{@code published_at} is the database clock read after the lock was taken, so every batch is
 * stamped later than the batch before it committed: {@code (published_at, seq)} grows in
 * publication order, which the live tail ({@link EventQueryService#tail}) follows without gaps.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key held by the instance that publishes ("wharf-ob"). */
    private static final long RELAY_LOCK = 0x7768617266_6f62L;

    private final MutinyEmitter<byte[]> emitter;
    private final RegistryConfig config;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    /** A wake-up arrived while a tick ran. */
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(@Channel("registry-events") MutinyEmitter<byte[]> emitter, RegistryConfig config, Vertx vertx) {
        this.emitter = emitter;
        this.config = config;
        this.vertx = vertx;
    }

    /**
     * Polls on a Vert.x timer: the scheduler extension looks at its triggers once a second, which
     * made a 250 ms interval a 1 s one (push → Kafka p50 of 650 ms in the system test). The timer is
     * the floor: this instance's own commits {@link #wake() wake} the relay at once, and a full batch
     * is followed by the next one without waiting (a backlog drains at the broker's pace).
     */
    void start(@Observes StartupEvent start) {
        vertx.setPeriodic(Math.max(1, config.events().relayInterval().toMillis()), id -> tickIfIdle());
    }

    /**
     * Asks for a tick now, for a caller whose transaction just committed outbox rows. If a tick is
     * running it may have read before that commit, so another one follows it.
     */
    public void wake() {
        again.set(true);
        tickIfIdle();
    }

    /** Runs a tick unless one is still running (a slow broker must not pile them up). */
    private void tickIfIdle() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        // Hibernate Reactive wants a duplicated context of its own, marked safe.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> tick().subscribe().with(this::tickDone, failure -> tickDone(0)));
    }

    private void tickDone(int published) {
        running.set(false);
        if (published >= config.events().relayBatchSize() || again.get()) {
            tickIfIdle();
        }
    }

    Uni<Integer> tick() {
        return publishBatch()
                .onFailure().invoke(e -> LOG.warnf("outbox relay: %s (will retry)", e.toString()))
                .onFailure().recoverWithItem(0);
    }

    /** Publishes up to one batch of unpublished events; returns how many were published. */
    @WithTransaction
    public Uni<Integer> publishBatch() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT pg_try_advisory_xact_lock(:key)", Boolean.class)
                .setParameter("key", RELAY_LOCK)
                .getSingleResult()
                .chain(locked -> !locked ? Uni.createFrom().item(0) : session
                        .createNativeQuery("""
                                SELECT seq, id, type, subject, occurred_at, data FROM registry_event
                                WHERE published_at IS NULL ORDER BY seq LIMIT :limit""", Object[].class)
                        .setParameter("limit", config.events().relayBatchSize())
                        .getResultList()
                        .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : send(rows)
                                .chain(seqs -> seqs.isEmpty() ? Uni.createFrom().item(0) : session.createNativeQuery("UPDATE registry_event SET published_at = clock_timestamp() WHERE seq IN (:seqs)")
                                        .setParameter("seqs", seqs)
                                        .executeUpdate()))));
    }

    /**
     * Sends the rows and returns the seqs the broker acknowledged. Rows of one repository (one
     * record key) go one after another, each only once the one before it was acknowledged, and
     * stop at the first failure: a repository's records can never overtake each other, even when
     * the broker fails some sends and accepts later ones. Repositories are sent concurrently.
     */
    private Uni<List<Long>> send(List<Object[]> rows) {
        Map<String, List<Object[]>> byRepository = new LinkedHashMap<>();
        for (Object[] row : rows) {
            WharfEvent<?> event = toEvent(row);
            byRepository.computeIfAbsent(event.partitionKey(), k -> new ArrayList<>()).add(row);
        }
        List<Uni<List<Long>>> chains = new ArrayList<>(byRepository.size());
        byRepository.values().forEach(inOrder -> chains.add(sendInOrder(inOrder, 0, new ArrayList<>())));
        return Uni.join().all(chains).andFailFast()
                .map(acked -> acked.stream().flatMap(List::stream).toList());
    }

    private Uni<List<Long>> sendInOrder(List<Object[]> rows, int index, List<Long> acked) {
        if (index == rows.size()) {
            return Uni.createFrom().item(acked);
        }
        Object[] row = rows.get(index);
        WharfEvent<?> event = toEvent(row);
        Message<byte[]> message = Message.of(EventCodec.dataBytes(event)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.partitionKey())
                .withHeaders(EventCodec.kafkaHeaders(event))
                .build());
        return emitter.sendMessage(message)
                .ifNoItem().after(Duration.ofSeconds(30)).failWith(() -> new IllegalStateException("Kafka did not acknowledge in 30 s"))
                .onItem().transformToUni(ok -> {
                    acked.add(((Number) row[0]).longValue());
                    return sendInOrder(rows, index + 1, acked);
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("outbox relay: %s of %s not published, retried with the rest of %s: %s",
                            event.id(), event.partitionKey(), event.partitionKey(), e.toString());
                    return acked;
                });
    }

    private static WharfEvent<?> toEvent(Object[] row) {
        EventType type = EventType.fromCloudEventType((String) row[2]);
        byte[] data = ((String) row[5]).getBytes(StandardCharsets.UTF_8);
        OffsetDateTime time = row[4] instanceof OffsetDateTime t ? t : OffsetDateTime.parse(row[4].toString());
        return new WharfEvent<>(row[1].toString(), type, EventRecorder.SOURCE, (String) row[3], time, EventCodec.readData(type, data));
    }
}
