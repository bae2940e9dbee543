package io.wharf.registry.auth;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * A verified registry access token.
 *
 * @param principal who it was issued to
 * @param access    canonical repository name → the actions granted on it
 * @param catalog   whether it grants {@code registry:catalog:*}
 * @param expiresAt when it stops being accepted
 * @param claims    all its claims, among them what it was made with ({@link Binding}), which
 *                  {@link Authenticator#stillBound} checks
 */
public record AccessToken(Principal principal, Map<String, Set<Action>> access, boolean catalog, Instant expiresAt, JWTClaimsSet claims) {

    public boolean allows(String repository, Set<Action> actions) {
        Set<Action> granted = access.get(repository);
        return granted != null && granted.containsAll(actions);
    }
}
