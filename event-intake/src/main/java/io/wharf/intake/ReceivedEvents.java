package io.wharf.intake;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * The received-event log of a service that consumes registry events: table {@code received_event}
 * ({@code event_id} primary key, {@code type}, {@code repository}, {@code digest}, {@code tag},
 * {@code occurred_at}, {@code received_at}) in the service's schema, created by this module's migration
 * {@code db/intake/V1__received_events.sql}: a service includes the location {@code db/intake} in
 * {@code quarkus.flyway.locations}, and its own migrations start at V2 (one version sequence per schema).
 * V1 is the file each service once shipped itself, byte for byte, so databases migrated before keep
 * validating: it never changes; a change to the table is a new migration here, with a version above the
 * latest of every service that includes the location (Flyway merges both locations into one sequence
 * and refuses one below what a database already holds). The location's versions so far: V1 (this
 * table) and V6 ({@code parked_event}, see {@link ParkedEvent}), above the services' own V2 to V5; a
 * service's next migration takes V7 or later, and so does this location's next one, chosen above every
 * service's latest at the time. Recording an event id in the
 * transaction that acts on the event makes the service act on each event once, however often Kafka
 * delivers it.
 */
@ApplicationScoped
public class ReceivedEvents implements PanacheRepositoryBase<ReceivedEvent, String> {

    /**
     * Records the events in one statement, in the caller's transaction; returns those whose id was not
     * recorded before (the others are redeliveries), in the order given. Columns go as text arrays, cast in
     * SQL: the client's array binding knows no timestamps.
     */
    public Uni<List<WharfEvent<?>>> recordNew(List<WharfEvent<?>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session.createNativeQuery("""
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
                .getResultList())
                .map(recorded -> {
                    Set<String> fresh = new HashSet<>(recorded);
                    return events.stream().filter(e -> fresh.contains(e.id())).toList();
                });
    }
}
