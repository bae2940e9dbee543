package io.wharf.notifier.service;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.delivery.DeliveryPlanner;

/**
 * Takes in registry events exactly once per event id: the ids and the deliveries the new events cause
 * (one per matching subscription) are recorded in one transaction per batch, before anything is sent,
 * so a redelivered batch changes nothing and never causes a second send, and a batch that mixes new and
 * seen events plans only the new ones. Deliveries are planned in the order of the events given.
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

    /** Takes in the events (each id once, in order); returns the new ones once their transaction committed. */
    public Uni<List<WharfEvent<?>>> take(List<WharfEvent<?>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.withTransaction(() -> received.recordNew(events).call(planner::plan))
                .invoke(fresh -> {
                    if (!fresh.isEmpty()) {
                        taken.addAndGet(fresh.size());
                        lastEventId.set(fresh.get(fresh.size() - 1).id());
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
