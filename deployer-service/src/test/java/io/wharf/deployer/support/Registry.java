package io.wharf.deployer.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;

/** Plays the registry: produces its events to the real broker with EventCodec, and reads the pipeline topic. */
public final class Registry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Registry() {
    }

    public static String digest() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "sha256:" + HexFormat.of().formatHex(bytes);
    }

    public static WharfEvent<RegistryEventData> pushed(String repository, String tag, String digest) {
        return event(EventType.ARTIFACT_PUSHED, repository, tag, digest);
    }

    /** A push by the user {@code pusher} (the event's actor). */
    public static WharfEvent<RegistryEventData> pushedBy(String pusher, String repository, String tag, String digest) {
        return event(EventType.ARTIFACT_PUSHED, repository, tag, digest, RegistryEventData.Actor.user(pusher));
    }

    public static WharfEvent<RegistryEventData> event(EventType type, String repository, String tag, String digest) {
        return event(type, repository, tag, digest, RegistryEventData.Actor.user("pusher"));
    }

    private static WharfEvent<RegistryEventData> event(EventType type, String repository, String tag, String digest,
            RegistryEventData.Actor actor) {
        return WharfEvent.create(type, URI.create("/wharf/registry"), RegistryEventData.builder(repository, digest)
                .tag(tag).project(repository.substring(0, repository.indexOf('/')))
                .mediaType("application/vnd.oci.image.manifest.v1+json")
                .actor(actor).build());
    }

    public static void send(String bootstrap, WharfEvent<?>... events) {
        try (Producer producer = new Producer(bootstrap)) {
            for (WharfEvent<?> event : events) {
                producer.send(event);
            }
        }
    }

    /** A producer kept open, so that an event's time is not charged with connecting to the broker. */
    public static final class Producer implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;

        public Producer(String bootstrap) {
            producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "linger.ms", 0),
                    new StringSerializer(), new ByteArraySerializer());
        }

        /** Sends and waits for the broker's acknowledgement. */
        public void send(WharfEvent<?> event) {
            try {
                producer.send(EventCodec.toProducerRecord(event)).get();
            } catch (Exception e) {
                throw new IllegalStateException("could not produce a registry event", e);
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /** Every record on {@code wharf.pipeline.events} until {@code count} match, or the deadline. */
    public static List<ConsumerRecord<String, byte[]>> pipelineRecords(String bootstrap, int count,
            java.util.function.Predicate<ConsumerRecord<String, byte[]>> wanted) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "deployer-test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.PIPELINE_EVENTS));
            await(count + " pipeline records").atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                            if (wanted.test(r)) {
                                matched.add(r);
                            }
                        });
                        return matched.size() >= count;
                    });
        } catch (ConditionTimeoutException e) {
            // Fewer came: the caller's assertions on what did come say what is missing.
        }
        return matched;
    }
}
