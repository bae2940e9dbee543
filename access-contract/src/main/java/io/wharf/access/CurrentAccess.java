package io.wharf.access;

import jakarta.enterprise.context.RequestScoped;

/** The rights {@link FreshAccessFilter} learned from the registry for this request; none until then. */
@RequestScoped
public class CurrentAccess {

    private Access access;

    /** The caller's rights as the registry gave them, or null when nobody asked (no API token). */
    Access get() {
        return access;
    }

    void set(Access access) {
        this.access = access;
    }
}
