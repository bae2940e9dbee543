package io.wharf.registry.identity;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.events.AuditEventData.Actions;
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
    private final AuditTrail audit;

    public MemberService(CallerAccess access, Identities identities, AccessPolicy policy, Pool pool, AuditTrail audit) {
        this.audit = audit;
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
                .chain(p -> identities.account(username).chain(account -> {
                    if (account == null) {
                        throw RequestRefused.notFound("user " + username);
                    }
                    return identities.role(p.id(), account.id()).chain(before -> audit
                            .byCaller(before == null ? Actions.MEMBER_ADDED : Actions.MEMBER_CHANGED, project)
                            .chain(entry -> pool.withTransaction(db -> identities.putMember(db, p.id(), account.id(), role)
                                    .chain(() -> before == role ? Uni.createFrom().voidItem() : audit.record(db, entry.subject(username)
                                            .summary("role", role.wireName()).summary("previousRole", before == null ? null : before.wireName()))))));
                }))
                .invoke(policy::changed)
                .replaceWith(role);
    }

    public Uni<Void> remove(String project, String username) {
        return access.project(project, CallerAccess::manages)
                .chain(p -> audit.byCaller(Actions.MEMBER_REMOVED, project).chain(entry -> pool.withTransaction(db -> identities.account(db, username)
                        .chain(account -> account == null ? Uni.createFrom().item(false) : identities.removeMember(db, p.id(), account.id()))
                        .call(removed -> removed ? audit.record(db, entry.subject(username)) : Uni.createFrom().voidItem()))))
                .invoke(policy::changed)
                .map(removed -> {
                    if (!removed) {
                        throw new RequestRefused(RequestRefused.Reason.NOT_FOUND, username + " is not a member of " + project);
                    }
                    return null;
                });
    }
}
