package io.wharf.registry.identity;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Role;

/**
 * Project members and their roles. Members are read by any role but limited guest and managed by
 * project admins; a change applies to this instance's access decisions once it has committed.
 */
@ApplicationScoped
public class MemberService {

    private final CallerAccess access;
    private final Identities identities;
    private final AccessPolicy policy;
    private final Pool pool;

    public MemberService(CallerAccess access, Identities identities, AccessPolicy policy, Pool pool) {
        this.access = access;
        this.identities = identities;
        this.policy = policy;
        this.pool = pool;
    }

    public Uni<List<Identities.Member>> list(String project) {
        return access.project(project, CallerAccess::reads).chain(p -> identities.members(p.id()));
    }

    /** Adds a member or changes its role (by its wire name, one of {@link io.wharf.access.ProjectRole#WIRE_NAMES}). */
    public Uni<Role> put(String project, String username, String roleName) {
        Role role;
        try {
            role = Role.fromWire(roleName);
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid(e.getMessage());
        }
        return access.project(project, CallerAccess::manages)
                .chain(p -> pool.withTransaction(db -> identities.account(db, username).chain(account -> {
                    if (account == null) {
                        throw RequestRefused.notFound("user " + username);
                    }
                    return identities.putMember(db, p.id(), account.id(), role);
                })))
                .invoke(policy::changed)
                .replaceWith(role);
    }

    public Uni<Void> remove(String project, String username) {
        return access.project(project, CallerAccess::manages)
                .chain(p -> pool.withTransaction(db -> identities.account(db, username).chain(account -> account == null
                        ? Uni.createFrom().item(false) : identities.removeMember(db, p.id(), account.id()))))
                .invoke(policy::changed)
                .map(removed -> {
                    if (!removed) {
                        throw new RequestRefused(RequestRefused.Reason.NOT_FOUND, username + " is not a member of " + project);
                    }
                    return null;
                });
    }
}
