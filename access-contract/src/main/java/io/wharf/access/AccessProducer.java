package io.wharf.access;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes the caller's {@link Access} injectable, per request: the rights the registry gives the caller
 * of the API token smallrye-jwt verified (RS256 with the registry's public key, issuer and audience as
 * {@code mp.jwt.verify.*} say), as {@link FreshAccessFilter} learned them before the resource ran. The
 * token's own claims grant nothing; a request the filter did not see (no token) has no rights.
 * <p>
 * This module is no bean archive, so that the registry, which mints tokens and verifies none this
 * way, does not get these beans. A service that wants them indexes the module:
 * {@code quarkus.index-dependency.access-contract.group-id=io.wharf} and
 * {@code quarkus.index-dependency.access-contract.artifact-id=access-contract}, and says where the
 * registry is ({@link AccessConfig}).
 */
@Singleton
public class AccessProducer {

    @Produces
    @RequestScoped
    Access access(CurrentAccess current, JsonWebToken token) {
        Access fromRegistry = current.get();
        return fromRegistry != null ? fromRegistry : Access.of(token.getName(), Set.of(), Map.of());
    }
}
