package io.wharf.registry.events;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
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
 * batch; consumers de-duplicate by event id); one relay at a time across all registry
 * instances (a transaction-scoped advisory lock), so rows are published in {@code seq} order and
 * not twice in the normal case; while Kafka is down the rows wait and the pushes that wrote them
 * are unaffected.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key held by the instance that publishes ("wharf-ob"). */
    private static final long RELAY_LOCK = 0x7768617266_6f62L;

    private final MutinyEmitter<byte[]> emitter;
    private final RegistryConfig config;

    public OutboxRelay(@Channel("registry-events") MutinyEmitter<byte[]> emitter, RegistryConfig config) {
        this.emitter = emitter;
        this.config = config;
    }

    @Scheduled(every = "${wharf.registry.events.relay-interval:250ms}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return publishBatch()
                .onFailure().invoke(e -> LOG.warnf("outbox relay: %s (will retry)", e.toString()))
                .onFailure().recoverWithItem(0)
                .replaceWithVoid();
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
                                .chain(seqs -> session.createNativeQuery("UPDATE registry_event SET published_at = now() WHERE seq IN (:seqs)")
                                        .setParameter("seqs", seqs)
                                        .executeUpdate()))));
    }

    private Uni<List<Long>> send(List<Object[]> rows) {
        List<Uni<Void>> sends = new ArrayList<>(rows.size());
        List<Long> seqs = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            seqs.add(((Number) row[0]).longValue());
            WharfEvent<?> event = toEvent(row);
            Message<byte[]> message = Message.of(EventCodec.dataBytes(event)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(event.partitionKey())
                    .withHeaders(EventCodec.kafkaHeaders(event))
                    .build());
            sends.add(emitter.sendMessage(message));
        }
        // Sends are handed to the producer in seq order; idempotence keeps that order per partition.
        return Uni.join().all(sends).andFailFast()
                .ifNoItem().after(Duration.ofSeconds(30)).failWith(() -> new IllegalStateException("Kafka did not acknowledge in 30 s"))
                .replaceWith(seqs);
    }

    private static WharfEvent<?> toEvent(Object[] row) {
        EventType type = EventType.fromCloudEventType((String) row[2]);
        byte[] data = ((String) row[5]).getBytes(StandardCharsets.UTF_8);
        OffsetDateTime time = row[4] instanceof OffsetDateTime t ? t : OffsetDateTime.parse(row[4].toString());
        return new WharfEvent<>(row[1].toString(), type, EventRecorder.SOURCE, (String) row[3], time, EventCodec.readData(type, data));
    }
}
