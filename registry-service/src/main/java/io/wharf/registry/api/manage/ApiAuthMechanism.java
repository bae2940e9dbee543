package io.wharf.registry.api.manage;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.credential.PasswordCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.auth.ApiTokenRequest;
import io.wharf.registry.auth.Authenticator;

/**
 * How management API callers ({@code /api/}) sign in, as a Quarkus Security mechanism:
 * {@code Authorization: Bearer <API token>} (from {@code POST /api/v1/auth/token}) or {@code Basic}
 * (password, personal access token or robot secret). No header means anonymous (each service
 * decides what that may see); credentials that do not check out, or a header that is neither,
 * fail authentication. Other paths are never authenticated here: {@code /v2}, {@code /token} and
 * {@code /v1/search} check their own credentials and answer with their own challenges.
 */
@ApplicationScoped
public class ApiAuthMechanism implements HttpAuthenticationMechanism {

    /** The challenge of a refused management API request. */
    static final String CHALLENGE = "Basic realm=\"wharf\"";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!context.normalizedPath().startsWith(ApiAuthFilter.PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        String header = context.request().getHeader("Authorization");
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        AuthenticationRequest request;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request = new ApiTokenRequest(header.substring(7).trim());
        } else {
            String[] basic = Authenticator.parseBasic(header);
            if (basic == null) {
                return Uni.createFrom().failure(new AuthenticationFailedException("unreadable credentials"));
            }
            request = new UsernamePasswordAuthenticationRequest(basic[0], new PasswordCredential(basic[1].toCharArray()));
        }
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiTokenRequest.class, UsernamePasswordAuthenticationRequest.class);
    }
}
