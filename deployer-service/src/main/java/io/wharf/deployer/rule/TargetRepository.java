package io.wharf.deployer.rule;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TargetRepository implements PanacheRepositoryBase<TargetEntity, UUID> {

    /** The target named {@code nameOrId} (its name, or its id), or null. */
    public Uni<TargetEntity> named(String nameOrId) {
        try {
            return findById(UUID.fromString(nameOrId));
        } catch (IllegalArgumentException notAnId) {
            return find("name", nameOrId).firstResult();
        }
    }
}
