package io.wharf.registry.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Checks a management API token (a JWT of audience {@link Tokens#API_AUDIENCE}, signed by this
 * registry): the identity is the principal the token names. A token that does not verify fails
 * with {@link AuthenticationFailedException} ("invalid token: …").
 */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<ApiTokenRequest> {

    private final Tokens tokens;

    public ApiTokenIdentityProvider(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<ApiTokenRequest> getRequestType() {
        return ApiTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiTokenRequest request, AuthenticationRequestContext context) {
        try {
            return Uni.createFrom().item(CallerIdentity.of(Tokens.principalOf(tokens.verify(request.token(), Tokens.API_AUDIENCE))));
        } catch (InvalidTokenException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("invalid token: " + e.getMessage()));
        }
    }
}
