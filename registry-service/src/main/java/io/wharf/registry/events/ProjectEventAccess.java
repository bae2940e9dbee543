package io.wharf.registry.events;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.CurrentCaller;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.ReadableProjects;

/**
 * Events are readable by whoever may read their project: members other than limited guests,
 * anyone for public projects, everything for system admins, a robot its own project. They are
 * shown whole to the same members, system admins and a robot in its own project; anyone else
 * (anonymous callers, accounts reading a public project) sees them redacted ({@link EventRedaction}).
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
    public Caller caller() {
        Principal p = caller.get();
        return new Caller(p, earlier(p.expiresAt(), caller.binding().expiresAt()));
    }

    @Override
    public Uni<EventReader> reader(Principal p) {
        return policy.readable(p).chain(readable -> members(p).map(members -> new EventReader(readable, members)));
    }

    private Uni<ReadableProjects> members(Principal p) {
        if (p.systemAdmin()) {
            return Uni.createFrom().item(ReadableProjects.ALL);
        }
        if (p.robot()) {
            return Uni.createFrom().item(ReadableProjects.only(Set.of(p.robotProject())));
        }
        return policy.roles(p).map(roles -> ReadableProjects.only(roles.entrySet().stream()
                .filter(e -> e.getValue().readsProject()).map(Map.Entry::getKey).collect(Collectors.toSet())));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }
}
