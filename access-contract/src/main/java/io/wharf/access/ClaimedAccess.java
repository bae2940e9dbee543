package io.wharf.access;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link Access} from claim values read once; immutable. */
final class ClaimedAccess implements Access {

    private final String user;
    private final boolean systemAdmin;
    private final Map<String, ProjectRole> roles = new HashMap<>();
    private final Set<String> memberships;

    ClaimedAccess(String user, Collection<String> groups, Map<String, String> projectRoles) {
        this.user = user;
        this.systemAdmin = groups != null && groups.contains(ApiToken.ADMIN_GROUP);
        if (projectRoles != null) {
            projectRoles.forEach((project, wire) -> ProjectRole.ofWire(wire).ifPresent(role -> roles.put(project, role)));
            this.memberships = Set.copyOf(projectRoles.keySet());
        } else {
            this.memberships = Set.of();
        }
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public boolean isSystemAdmin() {
        return systemAdmin;
    }

    @Override
    public Optional<ProjectRole> roleIn(String project) {
        return project == null ? Optional.empty() : Optional.ofNullable(roles.get(project));
    }

    @Override
    public Set<String> memberships() {
        return memberships;
    }

    @Override
    public String toString() {
        return "Access[user=" + user + ", systemAdmin=" + systemAdmin + ", roles=" + roles + "]";
    }
}
