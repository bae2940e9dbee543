package io.wharf.registry.api.manage;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.CurrentCaller;
import io.wharf.registry.auth.InvalidTokenException;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Tokens;

/**
 * Authenticates management API requests ({@code /api/}): {@code Authorization: Bearer <API token>}
 * (from {@code POST /api/v1/auth/token}) or {@code Basic} (password or personal access token).
 * No header means anonymous (each endpoint decides what that may see); credentials that do not
 * check out are refused with 401 whatever the endpoint.
 */
public class ApiAuthFilter {

    private final Authenticator authenticator;
    private final Tokens tokens;
    private final CurrentCaller caller;

    public ApiAuthFilter(Authenticator authenticator, Tokens tokens, CurrentCaller caller) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.caller = caller;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString("Authorization");
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                Principal p = Tokens.principalOf(tokens.verify(header.substring(7).trim(), Tokens.API_AUDIENCE));
                caller.set(p);
                return Uni.createFrom().nullItem();
            } catch (InvalidTokenException e) {
                return Uni.createFrom().item(unauthorized("invalid token: " + e.getMessage()));
            }
        }
        String[] basic = Authenticator.parseBasic(header);
        if (basic == null) {
            return Uni.createFrom().item(unauthorized("unreadable credentials"));
        }
        return authenticator.password(basic[0], basic[1]).map(a -> {
            if (a == null) {
                return unauthorized("incorrect username or password");
            }
            caller.set(a.principal());
            return null;
        });
    }

    static Response unauthorized(String message) {
        return ApiException.answer(401, "UNAUTHORIZED", message);
    }
}
