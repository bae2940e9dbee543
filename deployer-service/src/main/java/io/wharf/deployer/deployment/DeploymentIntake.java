package io.wharf.deployer.deployment;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.intake.EventHandler;

/**
 * The deployer's part of taking in registry events (see {@link io.wharf.intake.EventIntake}): the
 * deployments they trigger are planned in the intake's transaction, and those waiting are scheduled to
 * start (now, or at their {@code notBefore}) once it has committed, and the outcomes it published (skipped,
 * superseded) are relayed.
 */
@ApplicationScoped
public class DeploymentIntake implements EventHandler {

    private final DeploymentPlanner planner;
    private final DeploymentRunner runner;

    public DeploymentIntake(DeploymentPlanner planner, DeploymentRunner runner) {
        this.planner = planner;
        this.runner = runner;
    }

    @Override
    public Uni<Runnable> plan(List<WharfEvent<?>> fresh) {
        return planner.plan(fresh).map(planned -> () -> {
            planned.waiting().forEach(d -> runner.schedule(d.id, d.notBefore));
            if (planned.published()) {
                runner.relayEvents();
            }
        });
    }
}
