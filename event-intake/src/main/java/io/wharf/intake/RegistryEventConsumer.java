package io.wharf.intake;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.wharf.events.EventBatch;

/**
 * Reads {@code wharf.registry.events} a poll at a time and hands the batch's events to the service
 * (one transaction per batch). A record that is not a Wharf event (or of a type this version does not
 * know) is logged and skipped: it can never be processed, and it must not stop the events around it.
 * The batch is acknowledged only when the intake succeeded; a failure is not acknowledged (the
 * channel's failure strategy applies), so Kafka delivers the batch again.
 */
@ApplicationScoped
public class RegistryEventConsumer {
    private static final Logger LOG = Logger.getLogger(RegistryEventConsumer.class);

    private final EventIntake intake;

    public RegistryEventConsumer(EventIntake intake) {
        this.intake = intake;
    }

    @Incoming("registry-events")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        EventBatch batch = EventBatch.fromKafka(records);
        batch.skipped().forEach(s -> LOG.warnf("skipping record %s: %s", s.position(), s.reason()));
        return intake.take(batch.events()).replaceWithVoid();
    }
}
