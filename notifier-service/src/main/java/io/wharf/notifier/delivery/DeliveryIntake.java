package io.wharf.notifier.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.intake.EventHandler;

/**
 * The notifier's part of taking in registry events (see {@link io.wharf.intake.EventIntake}): the
 * deliveries they cause, recorded in the intake's transaction before anything is sent. Once it has
 * committed, the delivery workers are woken ({@link DeliverySignals}) and the deliveries handed off to this
 * instance are sent: a webhook goes out at once, not at the next poll.
 */
@ApplicationScoped
public class DeliveryIntake implements EventHandler {

    private final DeliveryPlanner planner;
    private final DeliverySignals signals;

    public DeliveryIntake(DeliveryPlanner planner, DeliverySignals signals) {
        this.planner = planner;
        this.signals = signals;
    }

    @Override
    public Uni<Runnable> plan(List<WharfEvent<?>> fresh) {
        return planner.plan(fresh).map(queued -> () -> signals.queued(queued));
    }
}
