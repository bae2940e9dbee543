package io.wharf.intake;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes each parked event on the service's {@code wharf.<service>.intake-dlq} (channel
 * {@code intake-dlq}, whose topic registry-events' {@code TopicDefaults} derives from
 * {@code wharf.intake.service-name}): the original record's key, headers and value, plus
 * {@code wharf-parked-id}, {@code wharf-original-topic}, {@code wharf-original-partition},
 * {@code wharf-original-offset}, {@code wharf-attempts}, {@code wharf-error-class} and
 * {@code wharf-error} (masked, see {@link FailureText}). The table row is what counts (a replay reads
 * it); the record tells whoever watches the topic.
 */
@ApplicationScoped
public class IntakeDeadLetters {

    private final MutinyEmitter<byte[]> emitter;

    public IntakeDeadLetters(@Channel("intake-dlq") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Publishes the record as parked; fails when Kafka did not take it. */
    Uni<Void> publish(ConsumerRecord<String, byte[]> record, long parkedId, int attempts, FailureText failure) {
        Headers headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        add(headers, "wharf-parked-id", Long.toString(parkedId));
        add(headers, "wharf-original-topic", record.topic());
        add(headers, "wharf-original-partition", Integer.toString(record.partition()));
        add(headers, "wharf-original-offset", Long.toString(record.offset()));
        add(headers, "wharf-attempts", Integer.toString(attempts));
        add(headers, "wharf-error-class", failure.errorClass());
        if (failure.message() != null) {
            add(headers, "wharf-error", failure.message());
        }
        Message<byte[]> message = Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build());
        return emitter.sendMessage(message);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
