package io.wharf.registry.events;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.StorageEventData;
import io.wharf.events.WharfEvent;

/**
 * Writes registry events into the outbox. Must be called inside the transaction of the change the
 * event records: the event exists exactly when the change committed.
 */
@ApplicationScoped
public class EventRecorder {

    /** The CloudEvents {@code source} of every registry event. */
    public static final URI SOURCE = URI.create("/wharf/registry");

    /** Adds the event to the current transaction. */
    public Uni<WharfEvent<RegistryEventData>> record(EventType type, RegistryEventData data) {
        WharfEvent<RegistryEventData> event = WharfEvent.create(type, SOURCE, data);
        return Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO registry_event (id, type, repository, project, subject, digest, tag, actor, occurred_at, data)
                        VALUES (:id, :type, :repository, :project, :subject, :digest, :tag, :actor, :time, :data)""")
                .setParameter("id", UUID.fromString(event.id()))
                .setParameter("type", type.cloudEventType())
                .setParameter("repository", data.repository())
                .setParameter("project", data.project())
                .setParameter("subject", event.subject())
                .setParameter("digest", data.digest())
                .setParameter("tag", data.tag())
                .setParameter("actor", data.actor() == null ? null : data.actor().name())
                .setParameter("time", event.time())
                .setParameter("data", new String(EventCodec.dataBytes(event), StandardCharsets.UTF_8))
                .executeUpdate())
                .replaceWith(event);
    }

    /**
     * Adds a storage event ({@code quota.*}, {@code gc.*}) to the current transaction. A quota event is
     * stored under its project and repository, so the project's members see it; a GC event under
     * neither, so only system administrators do.
     */
    public Uni<WharfEvent<StorageEventData>> record(EventType type, StorageEventData data) {
        WharfEvent<StorageEventData> event = WharfEvent.create(type, SOURCE, data);
        return Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO registry_event (id, type, repository, project, subject, digest, tag, actor, occurred_at, data)
                        VALUES (:id, :type, :repository, :project, :subject, NULL, NULL, :actor, :time, :data)""")
                .setParameter("id", UUID.fromString(event.id()))
                .setParameter("type", type.cloudEventType())
                .setParameter("repository", data.repository())
                .setParameter("project", data.project())
                .setParameter("subject", event.subject())
                .setParameter("actor", data.actor() == null ? null : data.actor().name())
                .setParameter("time", event.time())
                .setParameter("data", new String(EventCodec.dataBytes(event), StandardCharsets.UTF_8))
                .executeUpdate())
                .replaceWith(event);
    }
}
