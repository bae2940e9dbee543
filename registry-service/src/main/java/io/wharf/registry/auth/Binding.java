package io.wharf.registry.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a signed-in caller's credentials were, so that tokens minted for it die with them: the
 * account's token version (bumped by a password change), the personal access token used (null for a
 * password), or a fingerprint of the robot's current secret; and when those credentials expire
 * (null: never); a personal access token's scopes (null: not limited). Refresh and API tokens carry it ({@code tv}, {@code pat}, {@code rsf}) and are
 * refused once it no longer matches the database ({@link Authenticator#bound}).
 */
public record Binding(int tokenVersion, Long personalTokenId, String robotSecret, Instant expiresAt, Set<TokenScope> scopes) {

    /** No credentials: an anonymous caller. */
    public static final Binding NONE = new Binding(0, null, null, null, null);

    /** Whether the caller signed in with a personal access token (then {@link #scopes} limit it). */
    public boolean personalToken() {
        return personalTokenId != null;
    }

    /** Whether the credentials may use the management API (a password or robot secret may; a token needs {@code api}). */
    public boolean allowsApi() {
        return scopes == null || scopes.contains(TokenScope.API);
    }

    /** What the credentials allow of what the caller may do in a project's repositories. */
    public Set<Action> limit(Set<Action> allowed) {
        if (scopes == null) {
            return allowed;
        }
        Set<Action> left = EnumSet.noneOf(Action.class);
        left.addAll(allowed);
        left.retainAll(TokenScope.actions(scopes));
        return left;
    }

    /** Whether the credentials have expired at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The fingerprint of a robot secret's stored hash: enough to tell a rotation, useless to guess the secret. */
    static String fingerprint(String secretHash) {
        return secretHash == null ? null : Secrets.sha256("robot-secret:" + secretHash).substring(0, 16);
    }
}
