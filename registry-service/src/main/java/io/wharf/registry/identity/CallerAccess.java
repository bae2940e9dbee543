package io.wharf.registry.identity;

import java.util.Map;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Binding;
import io.wharf.registry.auth.CurrentCaller;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Role;

/**
 * Who calls the management API and what it may do there, the same rules as the registry's:
 * anonymous callers are refused {@link RequestRefused.Reason#UNAUTHENTICATED}, signed-in callers
 * without the right {@link RequestRefused.Reason#DENIED}, and a project the caller may not see is
 * {@link RequestRefused.Reason#NOT_FOUND}. The caller is the principal of the request's Quarkus
 * Security identity ({@link CurrentCaller}); its project roles come from {@link AccessPolicy}.
 */
@ApplicationScoped
public class CallerAccess {

    private final CurrentCaller caller;
    private final AccessPolicy policy;

    public CallerAccess(CurrentCaller caller, AccessPolicy policy) {
        this.caller = caller;
        this.policy = policy;
    }

    /** The caller, anonymous or not. */
    public Principal caller() {
        return caller.get();
    }

    /** What the caller's credentials were: tokens minted for the caller carry it. */
    public Binding binding() {
        return caller.binding();
    }

    /** The caller's role in each project it is a member of (none for robots and anonymous callers). */
    public Uni<Map<String, Role>> roles() {
        return policy.roles(caller.get());
    }

    /**
     * A signed-in caller: a user or a robot, whose credentials may use the management API (a
     * personal access token needs the {@code api} scope).
     */
    public Principal signedIn() {
        Principal p = caller.get();
        if (p.anonymous()) {
            throw RequestRefused.unauthenticated();
        }
        if (!caller.binding().allowsApi()) {
            throw RequestRefused.denied("this personal access token may not use the management API: make one with the api scope");
        }
        return p;
    }

    /** A user signed in with its password (or a token made with it), not with a personal access token: for the account's own security. */
    public Principal userWithPassword() {
        Principal p = user();
        if (caller.binding().personalToken()) {
            throw RequestRefused.denied("changing the password or making access tokens needs your password, not an access token");
        }
        return p;
    }

    /** A signed-in user (not a robot). */
    public Principal user() {
        Principal p = signedIn();
        if (!p.user()) {
            throw RequestRefused.denied();
        }
        return p;
    }

    /** A system administrator (with any credentials that may use the management API). */
    public Principal admin() {
        Principal p = user();
        if (!p.systemAdmin()) {
            throw RequestRefused.denied();
        }
        return p;
    }

    /**
     * The project, when the caller may see it and its role there passes {@code allowed} (system
     * admins always pass). Not visible: not found; visible but not allowed: unauthenticated or denied.
     */
    public Uni<Identities.Project> project(String name, Predicate<Role> allowed) {
        Principal p = caller.get();
        return policy.project(name).chain(project -> {
            if (project == null) {
                throw RequestRefused.notFound("project " + name);
            }
            if (p.systemAdmin()) {
                return Uni.createFrom().item(project);
            }
            return policy.role(p, name).map(role -> {
                boolean visible = project.isPublic() || role != null || (p.robot() && name.equals(p.robotProject()));
                if (!visible) {
                    throw RequestRefused.notFound("project " + name);
                }
                if (allowed.test(role)) {
                    return project;
                }
                throw p.anonymous() ? RequestRefused.unauthenticated() : RequestRefused.denied();
            });
        });
    }

    /** Any caller who may see the project. */
    public static boolean sees(Role role) {
        return true;
    }

    /** Roles that may see a project's details (members, robots): any role but limited guest. */
    public static boolean reads(Role role) {
        return role != null && role.readsProject();
    }

    /** Roles that may manage a project (members, robots, visibility). */
    public static boolean manages(Role role) {
        return role != null && role.managesProject();
    }

    /** Roles that may manage a project's automation and repository pages (project admins, maintainers). */
    public static boolean managesAutomation(Role role) {
        return role != null && role.managesAutomation();
    }
}
