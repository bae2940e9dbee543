package io.wharf.registry.identity;

import java.util.List;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.reference.InvalidReferenceException;
import io.wharf.reference.RepositoryNames;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.AuthConfig;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Role;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;

/**
 * Projects: listing, creation (through the API, or by an administrator's first push), visibility
 * and badge changes, deletion. Each change runs in one transaction; the cached visibility and
 * memberships are forgotten once it has committed.
 */
@ApplicationScoped
public class ProjectService {

    /** The project every installation has, which cannot be deleted. */
    public static final String LIBRARY = "library";

    /** A project and the caller's role there (null when it has none). */
    public record ProjectAndRole(Identities.Project project, Role role) {
    }

    private final CallerAccess access;
    private final Identities identities;
    private final AccessPolicy policy;
    private final AuthConfig config;
    private final Pool pool;
    private final AuditTrail audit;

    public ProjectService(CallerAccess access, Identities identities, AccessPolicy policy, AuthConfig config, Pool pool, AuditTrail audit) {
        this.audit = audit;
        this.access = access;
        this.identities = identities;
        this.policy = policy;
        this.config = config;
        this.pool = pool;
    }

    /** Projects the caller may see: public ones, its own, all for system admins. */
    public Uni<List<ProjectAndRole>> list() {
        Principal p = access.caller();
        return policy.roles(p).chain(roles -> policy.listable(p)
                .map(projects -> projects.stream().map(pr -> new ProjectAndRole(pr, roles.get(pr.name()))).toList()));
    }

    /** Creates a project (private unless {@code isPublic}); the creator becomes its project admin. */
    public Uni<ProjectAndRole> create(String name, Boolean isPublic) {
        return create(name, isPublic, null);
    }

    /**
     * Creates a project as {@link #create(String, Boolean)} does; {@code alsoInTransaction} (when not null)
     * writes what belongs with the new project (a proxy project's upstream) in the same transaction.
     */
    public Uni<ProjectAndRole> create(String name, Boolean isPublic,
                                      BiFunction<SqlConnection, Identities.Project, Uni<Void>> alsoInTransaction) {
        Principal p = "admin".equals(config.projectCreation()) ? access.admin() : access.user();
        RequestRefused.unlessProjectName(name);
        return audit.by(p, Actions.PROJECT_CREATED, null).chain(entry -> pool.withTransaction(db -> identities
                .insertProject(db, name, Boolean.TRUE.equals(isPublic)).chain(project -> {
                    if (project == null) {
                        throw RequestRefused.conflict("project " + name + " exists");
                    }
                    return identities.putMember(db, project.id(), p.accountId(), Role.PROJECT_ADMIN)
                            .call(() -> alsoInTransaction == null ? Uni.createFrom().voidItem() : alsoInTransaction.apply(db, project))
                            .call(() -> audit.record(db, entry.project(name).subject(name).summary("isPublic", project.isPublic())))
                            .replaceWith(project);
                }))).invoke(policy::changed).map(project -> new ProjectAndRole(project, Role.PROJECT_ADMIN));
    }

    /**
     * What a push into {@code project} needs first: when an administrator pushes into a project
     * that does not exist yet, the project is created (private). For anyone else, or when the
     * project exists, nothing happens (whether the push is allowed was decided before).
     */
    public Uni<Void> prepareForPush(Principal pusher, String project) {
        if (!pusher.systemAdmin()) {
            return Uni.createFrom().voidItem();
        }
        try {
            // A repository path component may be a single character or longer than 64; a project may not.
            RepositoryNames.validateProject(project);
        } catch (InvalidReferenceException e) {
            return Uni.createFrom().failure(new RegistryException(OciError.NAME_INVALID, e.getMessage()));
        }
        return policy.project(project).chain(existing -> existing != null ? Uni.createFrom().voidItem()
                : audit.by(pusher, Actions.PROJECT_CREATED, null).chain(entry -> pool.withTransaction(db -> identities
                        .insertProject(db, project, false)
                        .call(created -> created == null ? Uni.createFrom().voidItem() // another push made it first
                                : audit.record(db, entry.project(project).subject(project).summary("isPublic", false).summary("by", "push")))))
                        .invoke(policy::changed).replaceWithVoid());
    }

    /** A project the caller may see, with its role there. */
    public Uni<ProjectAndRole> get(String name) {
        return access.project(name, CallerAccess::sees)
                .chain(project -> policy.role(access.caller(), name).map(role -> new ProjectAndRole(project, role)));
    }

    /** Changes visibility (project admins) and the verified-publisher badge (system admins); null leaves a value as it is. */
    public Uni<ProjectAndRole> update(String name, Boolean isPublic, Boolean verifiedPublisher) {
        if (verifiedPublisher != null) {
            access.admin();
        }
        return access.project(name, CallerAccess::manages)
                .call(before -> audit.byCaller(Actions.PROJECT_VISIBILITY_CHANGED, name).chain(entry -> pool.withTransaction(db -> identities
                        .updateProject(db, name, isPublic, verifiedPublisher)
                        .call(() -> isPublic == null || isPublic == before.isPublic() ? Uni.createFrom().voidItem()
                                : audit.record(db, entry.subject(name).summary("isPublic", isPublic))))))
                .invoke(policy::changed)
                .chain(() -> get(name));
    }

    /** Deletes a project without repositories (project admins); {@value #LIBRARY} stays. */
    public Uni<Void> delete(String name) {
        if (LIBRARY.equals(name)) {
            throw RequestRefused.conflict("the library project cannot be deleted");
        }
        return access.project(name, CallerAccess::manages)
                .chain(() -> audit.byCaller(Actions.PROJECT_DELETED, name)).chain(entry -> pool.withTransaction(db -> identities
                        .projectHasRepositories(db, name).chain(used -> {
                            if (used) {
                                throw RequestRefused.conflict("project " + name + " still has repositories: delete them first");
                            }
                            return identities.deleteProject(db, name).call(() -> audit.record(db, entry.subject(name)));
                        })))
                .invoke(policy::changed)
                .replaceWithVoid();
    }
}
