package io.wharf.intake;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * Takes in registry events exactly once per event id: the ids and what the service's
 * {@link EventHandler} plans for the new events are recorded in one transaction, before anything acts
 * on them, so a redelivered batch changes nothing and never acts twice, and a batch that mixes new and
 * seen events plans only the new ones, in the order given. The handler's follow-up runs once that
 * transaction has committed. {@link RegistryEventConsumer} calls it a batch at a time (and an event at a
 * time when a batch keeps failing), {@link ParkedEvents} for a replay.
 */
@ApplicationScoped
public class EventIntake {

    private final ReceivedEvents received;
    private final EventHandler handler;
    private final IntakeMetrics metrics;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicReference<String> lastEventId = new AtomicReference<>();

    public EventIntake(ReceivedEvents received, EventHandler handler, IntakeMetrics metrics) {
        this.received = received;
        this.handler = handler;
        this.metrics = metrics;
    }

    /** Takes in the events (each id once, in order); returns the new ones once their transaction committed. */
    public Uni<List<WharfEvent<?>>> take(List<WharfEvent<?>> events) {
        return take(events, () -> Uni.createFrom().voidItem(), fresh -> Uni.createFrom().voidItem());
    }

    /**
     * As {@link #take(List)}, in a transaction that first runs {@code first} (whose failure takes nothing
     * in) and, after the handler planned the new events, {@code alsoWith} with them (perhaps none): what
     * both write commits with the events or not at all, and the handler's follow-up runs after that commit.
     */
    Uni<List<WharfEvent<?>>> take(List<WharfEvent<?>> events, Supplier<Uni<Void>> first,
            Function<List<WharfEvent<?>>, Uni<Void>> alsoWith) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.withTransaction(() -> first.get()
                        .chain(() -> received.recordNew(events))
                        .chain(fresh -> fresh.isEmpty()
                                ? Uni.createFrom().item(new Taken(fresh, () -> { }))
                                : handler.plan(fresh).map(then -> new Taken(fresh, then)))
                        .call(outcome -> alsoWith.apply(outcome.fresh())))
                .map(outcome -> {
                    List<WharfEvent<?>> fresh = outcome.fresh();
                    if (!fresh.isEmpty()) {
                        taken.addAndGet(fresh.size());
                        metrics.taken(fresh.size());
                        lastEventId.set(fresh.get(fresh.size() - 1).id());
                    }
                    outcome.then().run();
                    return fresh;
                });
    }

    private record Taken(List<WharfEvent<?>> fresh, Runnable then) {
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
