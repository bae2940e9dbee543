package io.wharf.intake;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * The received-event log of a service that consumes registry events: table {@code received_event}
 * ({@code event_id} primary key, {@code type}, {@code repository}, {@code digest}, {@code tag},
 * {@code occurred_at}) in the service's schema. Recording an event id in the transaction that acts on the
 * event makes the service act on each event once, however often Kafka delivers it.
 */
public final class ReceivedEventLog {

    private ReceivedEventLog() {
    }

    /**
     * Records the events in one statement, in the session's transaction; returns those whose id was not
     * recorded before (the others are redeliveries), in the order given. Columns go as text arrays, cast in
     * SQL: the client's array binding knows no timestamps.
     */
    public static Uni<List<WharfEvent<?>>> recordNew(Mutiny.Session session, List<WharfEvent<?>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return session.createNativeQuery("""
                        INSERT INTO received_event (event_id, type, repository, digest, tag, occurred_at)
                        SELECT * FROM unnest(CAST(:ids AS TEXT[]), CAST(:types AS TEXT[]), CAST(:repositories AS TEXT[]),
                                             CAST(:digests AS TEXT[]), CAST(:tags AS TEXT[]),
                                             CAST(CAST(:times AS TEXT[]) AS TIMESTAMPTZ[]))
                        ON CONFLICT (event_id) DO NOTHING RETURNING event_id""", String.class)
                .setParameter("ids", events.stream().map(WharfEvent::id).toArray(String[]::new))
                .setParameter("types", events.stream().map(e -> e.type().cloudEventType()).toArray(String[]::new))
                .setParameter("repositories", events.stream().map(e -> e.data().repository()).toArray(String[]::new))
                .setParameter("digests", events.stream().map(e -> e.data().digest()).toArray(String[]::new))
                .setParameter("tags", events.stream().map(e -> e.data().tag()).toArray(String[]::new))
                .setParameter("times", events.stream().map(e -> e.time().toString()).toArray(String[]::new))
                .getResultList()
                .map(recorded -> {
                    Set<String> fresh = new HashSet<>(recorded);
                    return events.stream().filter(e -> fresh.contains(e.id())).toList();
                });
    }
}
