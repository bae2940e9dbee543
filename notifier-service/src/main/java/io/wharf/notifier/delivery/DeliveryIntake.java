package io.wharf.notifier.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.intake.EventHandler;

/**
 * The notifier's part of taking in registry events (see {@link io.wharf.intake.EventIntake}): the
 * deliveries they cause, recorded in the intake's transaction before anything is sent. Nothing follows
 * the commit here: {@link DeliveryWorker} finds due deliveries in the queue.
 */
@ApplicationScoped
public class DeliveryIntake implements EventHandler {

    private static final Runnable NOTHING = () -> { };

    private final DeliveryPlanner planner;

    public DeliveryIntake(DeliveryPlanner planner) {
        this.planner = planner;
    }

    @Override
    public Uni<Runnable> plan(List<WharfEvent<?>> fresh) {
        return planner.plan(fresh).replaceWith(NOTHING);
    }
}
