package io.wharf.notifier.delivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wharf.events.EventCodec;
import io.wharf.events.NotificationEventData;
import io.wharf.events.WharfEvent;

/**
 * Tells the rest of Wharf what became of deliveries: {@code notification.delivered} and
 * {@code notification.failed} on {@code wharf.pipeline.events} (keyed by the registry event id, so
 * the registry's trace of that event shows them), and dead letters on {@code wharf.notifications.dlq}
 * (the original record's key, headers and value, plus {@code wharf-*} headers saying which delivery
 * gave up and why). Each Uni fails when Kafka did not take the record; {@link OutcomeRelay} retries.
 */
@ApplicationScoped
public class NotificationPublisher {
    static final URI SOURCE = URI.create("/wharf/notifier");

    private final MutinyEmitter<byte[]> pipeline;
    private final MutinyEmitter<byte[]> deadLetters;

    public NotificationPublisher(@Channel("pipeline-events") MutinyEmitter<byte[]> pipeline,
            @Channel("notifications-dlq") MutinyEmitter<byte[]> deadLetters) {
        this.pipeline = pipeline;
        this.deadLetters = deadLetters;
    }

    /** Publishes a {@code notification.*} event; fails when Kafka did not take it. */
    public Uni<Void> outcome(WharfEvent<NotificationEventData> event) {
        return send(pipeline, EventCodec.toProducerRecord(event));
    }

    public Uni<Void> deadLetter(WharfEvent<?> original, Delivery delivery) {
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(original);
        record.headers().add("wharf-delivery-id", delivery.id.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("wharf-subscription-id", delivery.subscriptionId.toString().getBytes(StandardCharsets.UTF_8));
        if (delivery.lastError != null) {
            record.headers().add("wharf-error", delivery.lastError.getBytes(StandardCharsets.UTF_8));
        }
        return send(deadLetters, record);
    }

    private static Uni<Void> send(MutinyEmitter<byte[]> emitter, ProducerRecord<String, byte[]> record) {
        Message<byte[]> message = Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(record.headers())
                .build());
        return emitter.sendMessage(message);
    }
}
