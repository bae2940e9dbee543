package io.wharf.access;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes the caller's {@link Access} injectable, per request, from the API token smallrye-jwt verified
 * (RS256 with the registry's public key, issuer and audience as {@code mp.jwt.verify.*} say).
 * <p>
 * This module is no bean archive, so that the registry, which mints tokens and verifies none this
 * way, does not get this bean. A service that wants it indexes the module:
 * {@code quarkus.index-dependency.access-contract.group-id=io.wharf} and
 * {@code quarkus.index-dependency.access-contract.artifact-id=access-contract}.
 */
@Singleton
public class AccessProducer {

    @Produces
    @RequestScoped
    Access access(JsonWebToken token) {
        return JwtAccess.of(token);
    }
}
