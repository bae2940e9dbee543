package io.wharf.registry.auth;

import jakarta.enterprise.context.RequestScoped;

/** The principal of the current management API request, set by the API's authentication filter. */
@RequestScoped
public class CurrentCaller {

    private Principal principal = Principal.ANONYMOUS;

    public Principal get() {
        return principal;
    }

    public void set(Principal principal) {
        this.principal = principal;
    }
}
