package io.wharf.registry.identity;

import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.wharf.events.AuditEventData;
import io.wharf.registry.audit.AuditLog;
import io.wharf.registry.audit.AuditScope;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Role;

/**
 * The audit log as the management services see it: entries by a caller, with its role for the
 * action, and who may read which entries. System administrators read every entry; a project's
 * administrators read the entries of their projects; nobody else reads any.
 */
@ApplicationScoped
public class AuditTrail {

    private final CallerAccess access;
    private final AccessPolicy policy;
    private final AuditLog log;

    public AuditTrail(CallerAccess access, AccessPolicy policy, AuditLog log) {
        this.access = access;
        this.policy = policy;
        this.log = log;
    }

    /** Adds the entry to the transaction of the change it records. */
    public Uni<Void> record(SqlClient db, AuditEventData.Builder entry) {
        return log.record(db, entry.build());
    }

    /** Writes the entry on its own, for actions that are no database change of their own; never fails. */
    public Uni<Void> record(AuditEventData.Builder entry) {
        return log.record(entry.build());
    }

    /** Starts an entry of {@code action} by {@code p} in {@code project} (null: none), with p's role there. */
    public Uni<AuditEventData.Builder> by(Principal p, String action, String project) {
        AuditEventData.Builder entry = AuditLog.entry(action).actor(kind(p), p.name()).project(project);
        if (p.systemAdmin()) {
            return Uni.createFrom().item(entry.role(AuditLog.SYSTEM_ADMIN));
        }
        if (project == null || !p.user()) {
            return Uni.createFrom().item(entry);
        }
        return policy.role(p, project).map(role -> entry.role(role == null ? null : role.wireName()));
    }

    /** Starts an entry of {@code action} by the caller of this request. */
    public Uni<AuditEventData.Builder> byCaller(String action, String project) {
        return by(access.caller(), action, project);
    }

    /** What the audit log kind of a principal is. */
    public static AuditEventData.ActorKind kind(Principal p) {
        return switch (p.kind()) {
            case USER -> AuditEventData.ActorKind.USER;
            case ROBOT -> AuditEventData.ActorKind.ROBOT;
            case ANONYMOUS -> AuditEventData.ActorKind.ANONYMOUS;
        };
    }

    /**
     * The entries the caller may read, for a query that names {@code project} (or none): anonymous
     * callers are unauthenticated; callers that administer no project, or not the one named, are denied.
     */
    public Uni<AuditScope> readable(String project) {
        Principal p = access.signedIn();
        if (p.systemAdmin()) {
            return Uni.createFrom().item(AuditScope.ALL);
        }
        if (!p.user()) {
            throw RequestRefused.denied("the audit log is for system administrators and project administrators");
        }
        return policy.roles(p).map(roles -> {
            Set<String> administered = roles.entrySet().stream().filter(e -> readsAudit(e.getValue()))
                    .map(java.util.Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
            if (administered.isEmpty()) {
                throw RequestRefused.denied("the audit log is for system administrators and project administrators");
            }
            if (project != null && !administered.contains(project)) {
                throw RequestRefused.denied("you may read the audit log of the projects you administer only");
            }
            return AuditScope.projects(administered);
        });
    }

    /** True for roles that may read their project's audit entries. */
    static boolean readsAudit(Role role) {
        return role != null && role.managesProject();
    }
}
