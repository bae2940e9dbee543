package io.wharf.notifier.delivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.NotificationEventData;
import io.wharf.events.WharfEvent;

/**
 * Tells the rest of Wharf what became of deliveries: {@code notification.delivered} and
 * {@code notification.failed} on {@code wharf.pipeline.events} (keyed by the registry event id, so
 * the registry's trace of that event shows them), and dead letters on {@code wharf.notifications.dlq}
 * (the original record's key, headers and value, plus {@code wharf-*} headers saying which delivery
 * gave up and why). Published after the delivery row is committed; a publishing failure is logged
 * and does not undo the delivery.
 */
@ApplicationScoped
public class NotificationPublisher {
    private static final Logger LOG = Logger.getLogger(NotificationPublisher.class);
    static final URI SOURCE = URI.create("/wharf/notifier");

    private final MutinyEmitter<byte[]> pipeline;
    private final MutinyEmitter<byte[]> deadLetters;

    public NotificationPublisher(@Channel("pipeline-events") MutinyEmitter<byte[]> pipeline,
            @Channel("notifications-dlq") MutinyEmitter<byte[]> deadLetters) {
        this.pipeline = pipeline;
        this.deadLetters = deadLetters;
    }

    public Uni<Void> outcome(EventType type, NotificationEventData data) {
        WharfEvent<NotificationEventData> event = WharfEvent.create(type, SOURCE, data);
        return send(pipeline, EventCodec.toProducerRecord(event), "pipeline event " + event.id());
    }

    public Uni<Void> deadLetter(WharfEvent<?> original, Delivery delivery) {
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(original);
        record.headers().add("wharf-delivery-id", delivery.id.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("wharf-subscription-id", delivery.subscriptionId.toString().getBytes(StandardCharsets.UTF_8));
        if (delivery.lastError != null) {
            record.headers().add("wharf-error", delivery.lastError.getBytes(StandardCharsets.UTF_8));
        }
        return send(deadLetters, record, "dead letter of delivery " + delivery.id);
    }

    private static Uni<Void> send(MutinyEmitter<byte[]> emitter, ProducerRecord<String, byte[]> record, String what) {
        Message<byte[]> message = Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(record.headers())
                .build());
        return emitter.sendMessage(message)
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf("could not publish %s: %s", what, failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
