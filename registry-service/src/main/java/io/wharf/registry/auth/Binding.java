package io.wharf.registry.auth;

import java.time.Instant;

/**
 * What a signed-in caller's credentials were, so that tokens minted for it die with them: the
 * account's token version (bumped by a password change), the personal access token used (null for a
 * password), or a fingerprint of the robot's current secret; and when those credentials expire
 * (null: never). Refresh and API tokens carry it ({@code tv}, {@code pat}, {@code rsf}) and are
 * refused once it no longer matches the database ({@link Authenticator#bound}).
 */
public record Binding(int tokenVersion, Long personalTokenId, String robotSecret, Instant expiresAt) {

    /** No credentials: an anonymous caller. */
    public static final Binding NONE = new Binding(0, null, null, null);

    /** Whether the credentials have expired at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The fingerprint of a robot secret's stored hash: enough to tell a rotation, useless to guess the secret. */
    static String fingerprint(String secretHash) {
        return secretHash == null ? null : Secrets.sha256("robot-secret:" + secretHash).substring(0, 16);
    }
}
