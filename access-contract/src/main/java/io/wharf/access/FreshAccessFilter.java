package io.wharf.access;

import jakarta.ws.rs.Priorities;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;

/**
 * Before a request carrying a verified API token reaches a resource, takes the caller's rights from
 * the registry ({@link RegistryRoles#current}), not from the token's claims: a role taken away counts
 * here within {@code wharf.access.roles-ttl}. A token the registry refuses is answered 401, as one that
 * does not verify; while the registry cannot answer, 503 ({@link RegistryProblems}): never the claims
 * instead. Requests without a token pass untouched (their resources demand one, or need no rights).
 */
public class FreshAccessFilter {

    private final RegistryRoles registry;
    private final CurrentAccess current;
    private final JsonWebToken token;

    public FreshAccessFilter(RegistryRoles registry, CurrentAccess current, JsonWebToken token) {
        this.registry = registry;
        this.current = current;
        this.token = token;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Void> rightsFromRegistry() {
        String raw = token.getRawToken();
        if (raw == null) {
            return Uni.createFrom().voidItem();
        }
        return registry.current(raw).map(access -> {
            current.set(access.orElseThrow(() -> new UnauthorizedException("the registry no longer accepts this token")));
            return null;
        });
    }
}
