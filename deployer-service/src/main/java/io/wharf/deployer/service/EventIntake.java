package io.wharf.deployer.service;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * Takes in registry events exactly once per event id: the id is recorded in the same transaction
 * as any work the event causes, so a redelivered record changes nothing.
 */
@ApplicationScoped
public class EventIntake {

    private final ReceivedEvents received;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicReference<String> lastEventId = new AtomicReference<>();

    public EventIntake(ReceivedEvents received) {
        this.received = received;
    }

    /** Returns true when the event was new. */
    @WithTransaction
    public Uni<Boolean> take(WharfEvent<?> event) {
        return received.recordIfNew(event).invoke(isNew -> {
            if (isNew) {
                taken.incrementAndGet();
                lastEventId.set(event.id());
            }
        });
    }

    /** New events taken in since this process started. */
    public long taken() {
        return taken.get();
    }

    /** Id of the last new event taken in by this process, or null. */
    public String lastEventId() {
        return lastEventId.get();
    }
}
