package io.wharf.registry;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;

/** Plain Kafka clients for tests that act as another service: publish, or read a topic from its start. */
final class TestKafka {

    private TestKafka() {
    }

    /** Publishes the events as the notifier and deployer do (binary-mode CloudEvents) and waits for the acks. */
    static void publish(String bootstrapServers, WharfEvent<?>... events) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("acks", "all");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (WharfEvent<?> event : events) {
                producer.send(EventCodec.toProducerRecord(event)).get();
            }
        }
    }

    /**
     * Reads {@code topic} from its start with a new consumer group until {@code done} holds for the
     * records that {@code wanted} selects (fails after {@code timeout}), then for {@code settle} more,
     * so that late duplicates would show up too.
     */
    static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic, Predicate<ConsumerRecord<String, byte[]>> wanted,
                                                     Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout, Duration settle) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Callable<Boolean> readAndCheck = () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                }
                return done.test(found);
            };
            try {
                await("the records on " + topic).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO).until(readAndCheck);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("gave up after " + timeout + " with " + found.size() + " records", e);
            }
            // Read on for the settling time, so that late duplicates would show up too.
            await("the records to settle").pollInSameThread().pollDelay(Duration.ZERO).during(settle)
                    .atMost(settle.plus(Duration.ofSeconds(5))).until(readAndCheck);
        }
        return found;
    }
}
