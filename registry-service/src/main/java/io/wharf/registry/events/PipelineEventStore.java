package io.wharf.registry.events;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.PipelineEventData;
import io.wharf.events.WharfEvent;

/**
 * Keeps the pipeline outcomes (notification.*, deployment.*) that follow registry events, for
 * the trace. Idempotent on the pipeline event id: storing an event twice keeps the first copy.
 */
@ApplicationScoped
public class PipelineEventStore {

    /** Stores the event in its own transaction; returns false when its id was stored already. */
    public Uni<Boolean> store(WharfEvent<?> event) {
        if (!(event.data() instanceof PipelineEventData data)) {
            throw new IllegalArgumentException(event.type().cloudEventType() + " is not a pipeline event");
        }
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO pipeline_event (id, event_id, type, source, subject, repository, occurred_at, data)
                        VALUES (:id, :eventId, :type, :source, :subject, :repository, :time, :data)
                        ON CONFLICT (id) DO NOTHING""")
                .setParameter("id", event.id())
                .setParameter("eventId", data.eventId())
                .setParameter("type", event.type().cloudEventType())
                .setParameter("source", event.source().toString())
                .setParameter("subject", event.subject())
                .setParameter("repository", data.repository())
                .setParameter("time", event.time())
                .setParameter("data", new String(EventCodec.dataBytes(event), StandardCharsets.UTF_8))
                .executeUpdate()))
                .map(n -> n > 0);
    }
}
