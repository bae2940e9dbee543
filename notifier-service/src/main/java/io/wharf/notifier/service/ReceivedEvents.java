package io.wharf.notifier.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.intake.ReceivedEventLog;

/** The received-event log. */
@ApplicationScoped
public class ReceivedEvents implements PanacheRepositoryBase<ReceivedEvent, String> {

    /** Records the events in the caller's transaction; returns the new ones, in order (see {@link ReceivedEventLog}). */
    public Uni<List<WharfEvent<?>>> recordNew(List<WharfEvent<?>> events) {
        return getSession().chain(session -> ReceivedEventLog.recordNew(session, events));
    }

    public Uni<ReceivedEvent> latest() {
        return find("order by receivedAt desc, eventId").firstResult();
    }
}
