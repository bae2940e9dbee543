package io.wharf.intake;

import java.util.List;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * What a service does with the registry events it takes in: the one bean of this type in a service is
 * handed each batch's new events by {@link EventIntake}.
 */
public interface EventHandler {

    /**
     * Plans what the new events cause (never empty, in Kafka's order), in the intake's transaction, the
     * one that records their ids: what it writes commits with them or not at all. The item is what to
     * run once that transaction has committed (for example, start work that is due now).
     */
    Uni<Runnable> plan(List<WharfEvent<?>> fresh);
}
