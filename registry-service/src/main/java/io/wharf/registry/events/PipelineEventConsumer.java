package io.wharf.registry.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.EventDecodingException;
import io.wharf.events.WharfEvent;

/**
 * Reads {@code wharf.pipeline.events} (what the notifier and the deployer did about registry
 * events) into {@link PipelineEventStore}, after every {@link PipelineEventListener} had it.
 * At-least-once: the offset is committed after the row is written, and a redelivered record is a no-op. Records that are not pipeline events this
 * version can read are logged and skipped; they never stop the consumer.
 */
@ApplicationScoped
public class PipelineEventConsumer {
    private static final Logger LOG = Logger.getLogger(PipelineEventConsumer.class);

    private final PipelineEventStore store;
    private final Instance<PipelineEventListener> listeners;

    public PipelineEventConsumer(PipelineEventStore store, @Any Instance<PipelineEventListener> listeners) {
        this.store = store;
        this.listeners = listeners;
    }

    @Incoming("pipeline-events")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        WharfEvent<?> event;
        try {
            event = EventCodec.fromKafka(record);
        } catch (EventDecodingException e) {
            LOG.warnf("skipping pipeline record at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (!event.type().isPipelineEvent()) {
            LOG.warnf("skipping %s %s: not a pipeline event", event.type().cloudEventType(), event.id());
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (PipelineEventListener listener : listeners) {
            chain = chain.chain(() -> listener.received(event));
        }
        return chain.chain(() -> store.store(event)).replaceWithVoid();
    }
}
