package io.wharf.deployer.auth;

import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller's rights over deploy rules and deployments, from the registry's API token (verified by
 * smallrye-jwt: RS256, issuer {@code wharf}, audience {@code wharf-api}). A rule belongs to the project
 * of its repository. System admins (group {@code system-admin}) may do everything; in a project
 * (claim {@code projects}: project → role) projectAdmins and maintainers manage rules, approve and roll
 * back, developers and guests read, limited guests and non-members see nothing.
 */
@RequestScoped
public class Access {

    static final String ADMIN_GROUP = "system-admin";
    static final String ROLES_CLAIM = "projects";

    private static final Set<String> MANAGING_ROLES = Set.of("projectAdmin", "maintainer");
    private static final Set<String> READING_ROLES = Set.of("projectAdmin", "maintainer", "developer", "guest");

    private final JsonWebToken token;

    public Access(JsonWebToken token) {
        this.token = token;
    }

    /** The caller's user name ({@code sub}). */
    public String user() {
        return token.getSubject();
    }

    public boolean isSystemAdmin() {
        Set<String> groups = token.getGroups();
        return groups != null && groups.contains(ADMIN_GROUP);
    }

    /** May create, change and delete rules of {@code project}, hold and release them, approve and roll back. */
    public boolean canManage(String project) {
        return isSystemAdmin() || MANAGING_ROLES.contains(roleIn(project));
    }

    /** May see rules of {@code project} and their deployments. */
    public boolean canRead(String project) {
        return isSystemAdmin() || READING_ROLES.contains(roleIn(project));
    }

    /** Projects whose rules and deployments the caller may read (system admins: all, not listed here). */
    public Set<String> readableProjects() {
        if (token.getClaim(ROLES_CLAIM) instanceof JsonObject roles) {
            return roles.keySet().stream().filter(this::canRead).collect(java.util.stream.Collectors.toSet());
        }
        return Set.of();
    }

    private String roleIn(String project) {
        if (project != null && token.getClaim(ROLES_CLAIM) instanceof JsonObject roles
                && roles.get(project) instanceof JsonString role) {
            return role.getString();
        }
        return "";
    }
}
