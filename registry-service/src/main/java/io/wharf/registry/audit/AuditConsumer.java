package io.wharf.registry.audit;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.wharf.events.AuditEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.EventDecodingException;
import io.wharf.events.WharfEvent;

/**
 * Reads {@code wharf.audit} (the entries every Wharf service publishes) into the audit log.
 * At-least-once: the offset is committed after the row is written, and an entry stored before (a
 * redelivery, or one of the registry's own) is a no-op. Records that are not audit entries this
 * version can read are logged and skipped; they never stop the consumer.
 */
@ApplicationScoped
public class AuditConsumer {
    private static final Logger LOG = Logger.getLogger(AuditConsumer.class);

    private final AuditLog log;

    public AuditConsumer(AuditLog log) {
        this.log = log;
    }

    @Incoming("audit-intake")
    @SuppressWarnings("unchecked")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        WharfEvent<?> event;
        try {
            event = EventCodec.fromKafka(record);
        } catch (EventDecodingException e) {
            LOG.warnf("skipping audit record at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (!(event.data() instanceof AuditEventData) || !isUuid(event.id())) {
            LOG.warnf("skipping %s %s: not an audit entry with a UUID id", event.type().cloudEventType(), event.id());
            return Uni.createFrom().voidItem();
        }
        return log.store((WharfEvent<AuditEventData>) event).replaceWithVoid();
    }

    private static boolean isUuid(String id) {
        try {
            UUID.fromString(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
