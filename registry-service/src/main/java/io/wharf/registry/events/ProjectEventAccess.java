package io.wharf.registry.events;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.CurrentCaller;
import io.wharf.registry.auth.ReadableProjects;

/**
 * Events are readable by whoever may read their project: members other than limited guests,
 * anyone for public projects, everything for system admins, a robot its own project.
 */
@ApplicationScoped
public class ProjectEventAccess implements EventAccess {

    private final AccessPolicy policy;
    private final CurrentCaller caller;

    public ProjectEventAccess(AccessPolicy policy, CurrentCaller caller) {
        this.policy = policy;
        this.caller = caller;
    }

    @Override
    public Uni<ReadableProjects> readableProjects() {
        return policy.readable(caller.get());
    }
}
