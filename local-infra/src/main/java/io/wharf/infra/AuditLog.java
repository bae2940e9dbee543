package io.wharf.infra;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.wharf.events.AuditEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.Topics;

/** Reads {@code wharf.audit} as the registry would: every record published so far. */
public final class AuditLog {

    private AuditLog() {
    }

    /** Every record on the topic up to its end now, in partition order. */
    public static List<ConsumerRecord<String, byte[]>> records(String bootstrapServers) {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrapServers, "group.id", "audit-test-" + UUID.randomUUID(),
                "enable.auto.commit", "false");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AUDIT, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + Topics.AUDIT + " to its end in 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            return all;
        }
    }

    /**
     * The entries published for the request {@code requestId} (its {@code X-Request-Id}), with their record
     * keys, once there is one (30 s at most): a relay already under way when the answer left publishes it.
     */
    public static List<Entry> ofRequest(String bootstrapServers, String requestId) {
        return await("audit entries of request " + requestId).atMost(Duration.ofSeconds(30)).pollInSameThread()
                .until(() -> records(bootstrapServers).stream()
                        .map(r -> new Entry(r.key(), EventCodec.fromKafka(r).auditData()))
                        .filter(e -> requestId.equals(e.data().requestId()))
                        .toList(), entries -> !entries.isEmpty());
    }

    /** One entry as read back: the Kafka record key and the decoded data. */
    public record Entry(String key, AuditEventData data) {
    }
}
