package io.wharf.infra;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test traffic on a real broker: bursts of records, and waiting until a consumer group has consumed them. */
public final class KafkaTraffic {

    private KafkaTraffic() {
    }

    /**
     * Produces the records as one burst, in order (sent without waiting for each acknowledgement, then
     * flushed, by an idempotent producer), so a consumer finds many of them in one poll; returns once the
     * broker acknowledged all of them.
     */
    public static void burst(String bootstrapServers, List<ProducerRecord<String, byte[]>> records) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers,
                "linger.ms", 20, "enable.idempotence", true), new StringSerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            for (Future<?> each : sent) {
                each.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not produce the burst", e);
        }
    }

    /**
     * Returns once consumer group {@code groupId} has committed every record on {@code topic} as it stands now
     * (its offsets reached the end of each partition), which a consumer does only for records it processed.
     */
    public static void awaitCommitted(String bootstrapServers, String groupId, String topic, Duration limit) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get()
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            await("group " + groupId + " to commit up to " + ends).atMost(limit).pollInterval(Duration.ofMillis(100))
                    .until(() -> admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(),
                            committed -> reached(committed, ends));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not read offsets of " + topic, e);
        }
    }

    /** The offsets consumer group {@code groupId} has committed on {@code topic}, by partition (none: absent). */
    public static Map<Integer, Long> committed(String bootstrapServers, String groupId, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not read the offsets of group " + groupId, e);
        }
    }

    private static boolean reached(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue());
    }
}
