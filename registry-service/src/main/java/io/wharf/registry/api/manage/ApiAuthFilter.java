package io.wharf.registry.api.manage;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.CurrentCaller;

/**
 * Establishes the Quarkus Security identity ({@link ApiAuthMechanism}) of every management API
 * request before its endpoint runs, and hands its principal to the services ({@link CurrentCaller}).
 * So credentials that do not check out are refused with 401 whatever the endpoint, even one that
 * anonymous callers may use.
 */
public class ApiAuthFilter {

    /** The management API's paths. */
    static final String PREFIX = "/api/";

    private final CurrentIdentityAssociation identity;
    private final CurrentCaller caller;

    public ApiAuthFilter(CurrentIdentityAssociation identity, CurrentCaller caller) {
        this.identity = identity;
        this.caller = caller;
    }

    @ServerRequestFilter
    public Uni<Void> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(PREFIX)) {
            return Uni.createFrom().voidItem();
        }
        return identity.getDeferredIdentity().invoke(caller::set).replaceWithVoid()
                .onFailure(AuthenticationFailedException.class).transform(e -> new ApiException(401, "UNAUTHORIZED", e.getMessage()));
    }
}
