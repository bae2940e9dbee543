package io.wharf.notifier.subscription;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Subscriptions, by id and by what they listen to. */
@ApplicationScoped
public class SubscriptionRepository implements PanacheRepositoryBase<Subscription, UUID> {

    /**
     * Subscriptions, enabled or not, that may concern events of {@code projects}: global ones and the
     * projects' own (a disabled one records what it would have been sent as suppressed).
     */
    public Uni<List<Subscription>> allFor(Collection<String> projects) {
        if (projects.isEmpty()) {
            return list("scope = ?1", Subscription.Scope.GLOBAL);
        }
        return list("scope = ?1 or project in ?2", Subscription.Scope.GLOBAL, projects);
    }

    public Uni<List<Subscription>> all() {
        return list("order by createdAt");
    }

    public Uni<List<Subscription>> ofProject(String project) {
        return list("project = ?1 order by createdAt", project);
    }
}
