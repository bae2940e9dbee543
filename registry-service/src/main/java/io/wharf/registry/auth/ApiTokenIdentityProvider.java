package io.wharf.registry.auth;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jwt.JWTClaimsSet;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Checks a management API token (a JWT of audience {@link Tokens#API_AUDIENCE}, signed by this
 * registry) whose credentials still hold ({@link Authenticator#bound}): the identity is the account or
 * robot as the database has it now, not as the token says (a deleted account, a changed password, a
 * deleted or expired personal access token, a rotated robot secret end every API token made with
 * them). A token that does not verify or whose credentials are gone fails with
 * {@link AuthenticationFailedException} ("invalid token: …").
 */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<ApiTokenRequest> {

    private final Tokens tokens;
    private final Authenticator authenticator;

    public ApiTokenIdentityProvider(Tokens tokens, Authenticator authenticator) {
        this.tokens = tokens;
        this.authenticator = authenticator;
    }

    @Override
    public Class<ApiTokenRequest> getRequestType() {
        return ApiTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiTokenRequest request, AuthenticationRequestContext context) {
        JWTClaimsSet claims;
        try {
            claims = tokens.verify(request.token(), Tokens.API_AUDIENCE);
        } catch (InvalidTokenException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("invalid token: " + e.getMessage()));
        }
        return authenticator.bound(claims).map(a -> {
            if (a == null) {
                throw new AuthenticationFailedException("invalid token: the credentials it was made with are gone, changed or expired");
            }
            return CallerIdentity.of(a.principal(), a.binding());
        });
    }
}
