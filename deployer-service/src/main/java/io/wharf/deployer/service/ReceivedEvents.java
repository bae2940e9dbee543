package io.wharf.deployer.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/** The received-event log. */
@ApplicationScoped
public class ReceivedEvents implements PanacheRepositoryBase<ReceivedEvent, String> {

    /** Records the event; false when its id was recorded before (a redelivery). */
    public Uni<Boolean> recordIfNew(WharfEvent<?> event) {
        return getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO received_event (event_id, type, repository, digest, tag, occurred_at)
                        VALUES (:id, :type, :repository, :digest, :tag, :time) ON CONFLICT (event_id) DO NOTHING""")
                .setParameter("id", event.id())
                .setParameter("type", event.type().cloudEventType())
                .setParameter("repository", event.data().repository())
                .setParameter("digest", event.data().digest())
                .setParameter("tag", event.data().tag())
                .setParameter("time", event.time())
                .executeUpdate()
                .map(inserted -> inserted > 0));
    }

    public Uni<ReceivedEvent> latest() {
        return find("order by receivedAt desc, eventId").firstResult();
    }
}
