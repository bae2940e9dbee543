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
    private Binding binding = Binding.NONE;

    public Principal get() {
        return principal;
    }

    /** What the caller's credentials were: tokens minted for it carry it. */
    public Binding binding() {
        return binding;
    }

    /** Takes the caller from the request's established identity. */
    public void set(SecurityIdentity identity) {
        this.principal = CallerIdentity.principal(identity);
        this.binding = CallerIdentity.binding(identity);
    }
}
