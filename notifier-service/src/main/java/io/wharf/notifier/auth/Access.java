package io.wharf.notifier.auth;

import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What the caller's token lets them do with subscriptions. The token (verified by smallrye-jwt:
 * RS256, issuer {@code wharf}, audience {@code wharf-api}) names the user in {@code sub}, system
 * admins by the group {@code system-admin}, and project roles in the claim {@code projects}
 * (project → Harbor role). Rules: global subscriptions are for system admins only; a project's
 * subscriptions are managed by its projectAdmins and maintainers and read by its developers and
 * guests; limited guests see nothing.
 */
@RequestScoped
public class Access {

    public static final String SYSTEM_ADMIN = "system-admin";
    public static final String PROJECTS_CLAIM = "projects";

    private static final Set<String> MANAGERS = Set.of("projectAdmin", "maintainer");
    private static final Set<String> READERS = Set.of("projectAdmin", "maintainer", "developer", "guest");

    private final JsonWebToken token;

    public Access(JsonWebToken token) {
        this.token = token;
    }

    /** The user, from {@code sub}. */
    public String user() {
        return token.getSubject();
    }

    public boolean isSystemAdmin() {
        return token.getGroups() != null && token.getGroups().contains(SYSTEM_ADMIN);
    }

    /** May create, change, delete, redeliver and test subscriptions of {@code project} (null: global ones). */
    public boolean canManage(String project) {
        return isSystemAdmin() || project != null && MANAGERS.contains(String.valueOf(role(project)));
    }

    /** May see subscriptions of {@code project} (null: global ones) and their delivery logs. */
    public boolean canRead(String project) {
        return isSystemAdmin() || project != null && READERS.contains(String.valueOf(role(project)));
    }

    private String role(String project) {
        Object claim = token.getClaim(PROJECTS_CLAIM);
        if (claim instanceof JsonObject projects && projects.get(project) instanceof JsonString role) {
            return role.getString();
        }
        return null;
    }
}
