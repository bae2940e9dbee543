package io.wharf.deployer.service;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.deployer.deployment.Deployment;
import io.wharf.deployer.deployment.DeploymentPlanner;
import io.wharf.deployer.deployment.DeploymentRunner;
import io.wharf.events.WharfEvent;

/**
 * Takes in registry events exactly once per event id: the id is recorded in the same transaction as
 * the deployments the event plans, so a redelivered record changes nothing. Deployments due now are
 * started as soon as that transaction commits.
 */
@ApplicationScoped
public class EventIntake {

    private final ReceivedEvents received;
    private final DeploymentPlanner planner;
    private final DeploymentRunner runner;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicReference<String> lastEventId = new AtomicReference<>();

    public EventIntake(ReceivedEvents received, DeploymentPlanner planner, DeploymentRunner runner) {
        this.received = received;
        this.planner = planner;
        this.runner = runner;
    }

    /** Returns true when the event was new. */
    public Uni<Boolean> take(WharfEvent<?> event) {
        return Panache.withTransaction(() -> received.recordIfNew(event).chain(isNew -> isNew
                ? planner.plan(event).map(planned -> new Taken(true, planned))
                : Uni.createFrom().item(new Taken(false, List.of()))))
                .map(outcome -> {
                    if (outcome.isNew()) {
                        taken.incrementAndGet();
                        lastEventId.set(event.id());
                        outcome.planned().forEach(d -> runner.schedule(d.id, d.notBefore));
                    }
                    return outcome.isNew();
                });
    }

    private record Taken(boolean isNew, List<Deployment> planned) {
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
