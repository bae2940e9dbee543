package io.wharf.registry.api.manage;

import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.CurrentCaller;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Role;

/**
 * The management API's authorization checks, the same rules as the registry's: anonymous callers
 * get 401, signed-in callers without the right get 403, and a project the caller may not see is 404.
 */
@ApplicationScoped
public class Gate {

    private final CurrentCaller caller;
    private final AccessPolicy policy;

    public Gate(CurrentCaller caller, AccessPolicy policy) {
        this.caller = caller;
        this.policy = policy;
    }

    public Principal caller() {
        return caller.get();
    }

    /** A signed-in user (not a robot). */
    public Principal user() {
        Principal p = caller.get();
        if (p.anonymous()) {
            throw ApiException.unauthorized();
        }
        if (!p.user()) {
            throw ApiException.denied();
        }
        return p;
    }

    public Principal admin() {
        Principal p = user();
        if (!p.systemAdmin()) {
            throw ApiException.denied();
        }
        return p;
    }

    /**
     * The project, when the caller may see it and its role there passes {@code allowed} (system
     * admins always pass). Not visible: 404; visible but not allowed: 401 or 403.
     */
    public Uni<Identities.Project> project(String name, Predicate<Role> allowed) {
        Principal p = caller.get();
        return policy.project(name).chain(project -> {
            if (project == null) {
                throw ApiException.notFound("project " + name);
            }
            if (p.systemAdmin()) {
                return Uni.createFrom().item(project);
            }
            return policy.role(p, name).map(role -> {
                boolean visible = project.isPublic() || role != null || (p.robot() && name.equals(p.robotProject()));
                if (!visible) {
                    throw ApiException.notFound("project " + name);
                }
                if (allowed.test(role)) {
                    return project;
                }
                throw p.anonymous() ? ApiException.unauthorized() : ApiException.denied();
            });
        });
    }

    /** Roles that may see a project's details (members, robots): any role but limited guest. */
    public static boolean reads(Role role) {
        return role != null && role.readsProject();
    }

    /** Roles that may manage a project (members, robots, visibility). */
    public static boolean manages(Role role) {
        return role != null && role.managesProject();
    }
}
