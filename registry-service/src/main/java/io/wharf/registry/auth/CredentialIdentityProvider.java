package io.wharf.registry.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks {@code Basic} credentials through {@link Authenticator#password}: an account's password,
 * a personal access token or a robot's secret. Credentials that do not check out fail with
 * {@link AuthenticationFailedException} ("incorrect username or password").
 */
@ApplicationScoped
public class CredentialIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final Authenticator authenticator;

    public CredentialIdentityProvider(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = http == null ? null : ClientAddress.of(http.request());
        return authenticator.password(request.getUsername(), new String(request.getPassword().getPassword()), address).map(a -> {
            if (a == null) {
                throw new AuthenticationFailedException("incorrect username or password");
            }
            return CallerIdentity.of(a.principal(), a.binding());
        });
    }
}
