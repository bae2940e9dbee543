package io.wharf.access;

/**
 * The names in the management API token, the JWT the registry mints at {@code POST /api/v1/auth/token}
 * and the management APIs of all three services accept. Besides the standard claims ({@code sub} is the
 * user name) it carries:
 * <ul>
 * <li>{@value #GROUPS_CLAIM}: a list holding {@value #ADMIN_GROUP} for system admins, else empty;</li>
 * <li>{@value #PROJECTS_CLAIM}: an object mapping each project the user is a member of to the
 * {@linkplain ProjectRole#wireName() wire name} of the user's role there.</li>
 * </ul>
 * Issuer {@value #ISSUER} (the registry's default, {@code wharf.auth.issuer}) and audience
 * {@value #AUDIENCE}; the services' {@code mp.jwt.verify.issuer} and {@code mp.jwt.verify.audiences}
 * must say the same.
 */
public final class ApiToken {

    /** The issuer the registry writes by default and the services verify. */
    public static final String ISSUER = "wharf";
    /** The audience of API tokens (access and refresh tokens have others, so neither passes as one). */
    public static final String AUDIENCE = "wharf-api";
    /** The claim listing the caller's groups (MicroProfile JWT's {@code groups}). */
    public static final String GROUPS_CLAIM = "groups";
    /** The group that makes a caller a system admin. */
    public static final String ADMIN_GROUP = "system-admin";
    /** The claim mapping project name to role wire name. */
    public static final String PROJECTS_CLAIM = "projects";

    private ApiToken() {
    }
}
