package io.wharf.notifier.service;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.delivery.DeliveryPlanner;

/**
 * Takes in registry events exactly once per event id: the id and the deliveries the event causes
 * (one per matching subscription) are recorded in one transaction, before anything is sent, so a
 * redelivered record changes nothing and never causes a second send.
 */
@ApplicationScoped
public class EventIntake {

    private final ReceivedEvents received;
    private final DeliveryPlanner planner;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicReference<String> lastEventId = new AtomicReference<>();

    public EventIntake(ReceivedEvents received, DeliveryPlanner planner) {
        this.received = received;
        this.planner = planner;
    }

    /** Returns true when the event was new. */
    @WithTransaction
    public Uni<Boolean> take(WharfEvent<?> event) {
        return received.recordIfNew(event)
                .call(isNew -> isNew && event.type().isRegistryEvent() ? planner.plan(event) : Uni.createFrom().nullItem())
                .invoke(isNew -> {
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
