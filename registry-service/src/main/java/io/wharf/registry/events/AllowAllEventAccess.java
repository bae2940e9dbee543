package io.wharf.registry.events;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;

/**
 * Every caller reads every project's events. Stands until identity lands: the identity issue
 * provides an {@link EventAccess} bean built on project membership, which replaces this default.
 */
@ApplicationScoped
@DefaultBean
public class AllowAllEventAccess implements EventAccess {

    @Override
    public Uni<ReadableProjects> readableProjects() {
        return Uni.createFrom().item(ReadableProjects.ALL);
    }
}
