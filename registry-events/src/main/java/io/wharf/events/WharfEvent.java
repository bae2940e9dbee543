package io.wharf.events;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One Wharf event: the CloudEvents 1.0 attributes and typed data. {@code specversion} is always
 * {@code 1.0} and {@code datacontenttype} always {@code application/json}, so neither is a field.
 *
 * <p>Invariants, checked on construction: {@code id}, {@code type}, {@code source}, {@code time}
 * and {@code data} are present; {@code data} is the record {@link EventType#dataType()} names;
 * registry data carries a digest when {@link EventType#requiresDigest()}.
 *
 * @param id      unique and stable across redeliveries (the outbox row UUID); consumers
 *                deduplicate by it
 * @param type    what happened
 * @param source  the producer, e.g. {@code /wharf/registry}
 * @param subject the tag, else the digest the event is about; may be null
 * @param time    when it happened (the write's commit, not the publication)
 * @param data    the event's data
 * @param <T>     the data record
 */
public record WharfEvent<T extends EventData>(
        String id,
        EventType type,
        URI source,
        String subject,
        OffsetDateTime time,
        T data) {

    public WharfEvent {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
        if (!type.dataType().isInstance(data)) {
            throw new IllegalArgumentException(type.cloudEventType() + " carries "
                    + type.dataType().getSimpleName() + ", not " + data.getClass().getSimpleName());
        }
        if (type.requiresDigest() && data.digest() == null) {
            throw new IllegalArgumentException(type.cloudEventType() + " requires a digest");
        }
    }

    /**
     * A new event with a random UUID id, the current time (UTC, microseconds, as PostgreSQL keeps
     * it) and the subject derived from the data: its tag, else its digest. An audit entry keeps its
     * own time and its {@link AuditEventData#subject()} as the subject.
     */
    public static <T extends EventData> WharfEvent<T> create(EventType type, URI source, T data) {
        Objects.requireNonNull(data, "data");
        if (data instanceof AuditEventData audit) {
            return new WharfEvent<>(UUID.randomUUID().toString(), type, source, audit.subject(), audit.time(), data);
        }
        String subject = data.tag() != null ? data.tag() : data.digest();
        if (data instanceof StorageEventData storage) {
            subject = storage.gc() != null ? storage.gc().runId() : storage.repository();
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        return new WharfEvent<>(UUID.randomUUID().toString(), type, source, subject, now, data);
    }

    /** The topic this event is published to. */
    public String topic() {
        return type.topic();
    }

    /**
     * The Kafka record key: the repository for registry events (per-repository order), the id of
     * the followed registry event for pipeline events (per-trace order), the project or {@code "-"}
     * for audit entries (per-project order).
     */
    public String partitionKey() {
        if (data instanceof AuditEventData audit) {
            return audit.partitionKey();
        }
        if (data instanceof StorageEventData storage) {
            return storage.partitionKey();
        }
        return data instanceof PipelineEventData pipeline ? pipeline.eventId() : data.repository();
    }

    /** The data of a registry event; throws {@link IllegalStateException} for other types. */
    public RegistryEventData registryData() {
        return dataAs(RegistryEventData.class);
    }

    /** The data of a {@code notification.*} event; throws {@link IllegalStateException} otherwise. */
    public NotificationEventData notificationData() {
        return dataAs(NotificationEventData.class);
    }

    /** The data of a {@code deployment.*} event; throws {@link IllegalStateException} otherwise. */
    public DeploymentEventData deploymentData() {
        return dataAs(DeploymentEventData.class);
    }

    /** The data of a {@code quota.*} or {@code gc.*} event; throws {@link IllegalStateException} otherwise. */
    public StorageEventData storageData() {
        return dataAs(StorageEventData.class);
    }

    /** The data of an {@code audit.recorded} event; throws {@link IllegalStateException} otherwise. */
    public AuditEventData auditData() {
        return dataAs(AuditEventData.class);
    }

    private <D extends EventData> D dataAs(Class<D> dataType) {
        if (!dataType.isInstance(data)) {
            throw new IllegalStateException(type.cloudEventType() + " does not carry " + dataType.getSimpleName());
        }
        return dataType.cast(data);
    }
}
