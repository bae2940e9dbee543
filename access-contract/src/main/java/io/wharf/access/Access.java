package io.wharf.access;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A caller's rights in the management APIs of the notifier and the deployer, as the registry says
 * they are (in the terms of {@link ApiToken}): a system admin may do everything; in a project, a
 * member may do what its {@link ProjectRole} may; anyone else nothing. Global (project-less) things,
 * such as global subscriptions, are for system admins only: a {@code null} project is one nobody is
 * a member of.
 * <p>
 * Build one with {@link #of} from plain values; {@link AccessProducer} makes the current caller's
 * injectable, as the registry says it is now ({@link RegistryRoles}). An interface so that a service
 * can produce it as a request-scoped bean.
 */
public interface Access {

    /** The caller's user name ({@code sub}). */
    String user();

    /** Whether the caller is in the group {@value ApiToken#ADMIN_GROUP}. */
    boolean isSystemAdmin();

    /** The caller's role in {@code project}; empty for a non-member, an unknown role, or a null project. */
    Optional<ProjectRole> roleIn(String project);

    /** The projects the caller has a role in (what it is a member of), unmodifiable. */
    Set<String> memberships();

    /** May do {@code capability} in {@code project} (null: global): system admins always, members as their role says. */
    default boolean may(String project, Capability capability) {
        return isSystemAdmin() || roleIn(project).map(role -> role.may(capability)).orElse(false);
    }

    /**
     * May manage what acts on {@code project}'s pushes ({@link Capability#MANAGE_AUTOMATION}):
     * subscriptions, deploy rules, approvals and rollbacks. Null: global ones, system admins only.
     */
    default boolean canManage(String project) {
        return may(project, Capability.MANAGE_AUTOMATION);
    }

    /**
     * May see {@code project}'s subscriptions, deliveries, rules and deployments
     * ({@link Capability#READ_PROJECT}). Null: global ones, system admins only.
     */
    default boolean canRead(String project) {
        return may(project, Capability.READ_PROJECT);
    }

    /**
     * The projects of the caller's memberships it may read. A system admin reads every project, not only
     * these: ask {@link #isSystemAdmin()} first when listing.
     */
    default Set<String> readableProjects() {
        return memberships().stream().filter(this::canRead).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The rights these claims give.
     *
     * @param subject the user name ({@code sub})
     * @param groups the {@value ApiToken#GROUPS_CLAIM} claim; null as empty
     * @param projectRoles the {@value ApiToken#PROJECTS_CLAIM} claim, project → role wire name; null as
     *        empty; an unknown role grants nothing in its project
     */
    static Access of(String subject, Collection<String> groups, Map<String, String> projectRoles) {
        return new ClaimedAccess(subject, groups, projectRoles);
    }
}
