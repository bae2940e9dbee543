package io.wharf.notifier.service;

import java.util.HashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/** The received-event log. */
@ApplicationScoped
public class ReceivedEvents implements PanacheRepositoryBase<ReceivedEvent, String> {

    /**
     * Records the events in one statement, in the caller's transaction; returns those whose id was not
     * recorded before (the others are redeliveries), in the order given. Columns go as text arrays, cast
     * in SQL: the client's array binding knows no timestamps.
     */
    public Uni<List<WharfEvent<?>>> recordNew(List<WharfEvent<?>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO received_event (event_id, type, repository, digest, tag, occurred_at)
                        SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:repositories AS text[]),
                                             CAST(:digests AS text[]), CAST(:tags AS text[]), CAST(CAST(:times AS text[]) AS timestamptz[]))
                        ON CONFLICT (event_id) DO NOTHING RETURNING event_id""", String.class)
                .setParameter("ids", events.stream().map(WharfEvent::id).toArray(String[]::new))
                .setParameter("types", events.stream().map(e -> e.type().cloudEventType()).toArray(String[]::new))
                .setParameter("repositories", events.stream().map(e -> e.data().repository()).toArray(String[]::new))
                .setParameter("digests", events.stream().map(e -> e.data().digest()).toArray(String[]::new))
                .setParameter("tags", events.stream().map(e -> e.data().tag()).toArray(String[]::new))
                .setParameter("times", events.stream().map(e -> e.time().toString()).toArray(String[]::new))
                .getResultList()
                .map(recorded -> {
                    var fresh = new HashSet<>(recorded);
                    return events.stream().filter(e -> fresh.contains(e.id())).toList();
                }));
    }

    public Uni<ReceivedEvent> latest() {
        return find("order by receivedAt desc, eventId").firstResult();
    }
}
