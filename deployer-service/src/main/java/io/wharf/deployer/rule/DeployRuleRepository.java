package io.wharf.deployer.rule;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class DeployRuleRepository implements PanacheRepositoryBase<DeployRule, UUID> {

    /** Enabled rules of the projects, oldest first: the candidates for events in their repositories. */
    public Uni<List<DeployRule>> enabledIn(Collection<String> projects) {
        return list("project in ?1 and enabled = true order by createdAt", projects);
    }

    /** Locks the rule until the transaction ends: one deployment of a rule starts at a time. */
    public Uni<DeployRule> lock(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }
}
