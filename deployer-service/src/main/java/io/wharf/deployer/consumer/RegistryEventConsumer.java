package io.wharf.deployer.consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.EventDecodingException;
import io.wharf.events.WharfEvent;
import io.wharf.deployer.service.EventIntake;

/**
 * Reads {@code wharf.registry.events} and hands each event to the service. A record that is not a
 * Wharf event (or of a type this version does not know) is logged and skipped: it can never be
 * processed, and it must not stop the events behind it.
 */
@ApplicationScoped
public class RegistryEventConsumer {
    private static final Logger LOG = Logger.getLogger(RegistryEventConsumer.class);

    private final EventIntake intake;

    public RegistryEventConsumer(EventIntake intake) {
        this.intake = intake;
    }

    @Incoming("registry-events")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        WharfEvent<?> event;
        try {
            event = EventCodec.fromKafka(record);
        } catch (EventDecodingException e) {
            LOG.warnf("skipping record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return intake.take(event).replaceWithVoid();
    }
}
