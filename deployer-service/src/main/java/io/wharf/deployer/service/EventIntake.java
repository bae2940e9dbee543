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
 * Takes in registry events exactly once per event id: the ids are recorded in the same transaction as
 * the deployments the new events plan, one transaction per batch, so a redelivered batch changes nothing
 * and a batch that mixes new and seen events plans only the new ones, in their order. Deployments due
 * now are started as soon as that transaction commits.
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

    /** Takes in the events (each id once, in order); returns the new ones once their transaction committed. */
    public Uni<List<WharfEvent<?>>> take(List<WharfEvent<?>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.withTransaction(() -> received.recordNew(events)
                        .chain(fresh -> planner.plan(fresh).map(planned -> new Taken(fresh, planned))))
                .map(outcome -> {
                    List<WharfEvent<?>> fresh = outcome.fresh();
                    if (!fresh.isEmpty()) {
                        taken.addAndGet(fresh.size());
                        lastEventId.set(fresh.get(fresh.size() - 1).id());
                    }
                    outcome.planned().forEach(d -> runner.schedule(d.id, d.notBefore));
                    return fresh;
                });
    }

    private record Taken(List<WharfEvent<?>> fresh, List<Deployment> planned) {
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
