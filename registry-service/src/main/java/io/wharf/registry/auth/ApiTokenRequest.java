package io.wharf.registry.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A management API token ({@code Authorization: Bearer}) to be checked by {@link ApiTokenIdentityProvider}. */
public final class ApiTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    public ApiTokenRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
