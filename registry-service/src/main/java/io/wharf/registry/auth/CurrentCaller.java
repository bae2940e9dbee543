package io.wharf.registry.auth;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * The principal of the current management API request, taken from its Quarkus Security identity
 * once that is established (before any endpoint runs); anonymous until then.
 */
@RequestScoped
public class CurrentCaller {

    private Principal principal = Principal.ANONYMOUS;

    public Principal get() {
        return principal;
    }

    /** Takes the caller from the request's established identity. */
    public void set(SecurityIdentity identity) {
        this.principal = CallerIdentity.principal(identity);
    }
}
