package io.wharf.registry.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/**
 * The link between Quarkus Security and Wharf's {@link Principal}: every management API identity
 * carries its principal as the attribute {@link #PRINCIPAL}. An identity without it (Quarkus'
 * anonymous identity) is {@link Principal#ANONYMOUS}.
 */
public final class CallerIdentity {

    /** The {@link SecurityIdentity} attribute holding the caller's {@link Principal}. */
    public static final String PRINCIPAL = "wharf.principal";

    private CallerIdentity() {
    }

    /** The identity of a checked principal (anonymous when the principal is). */
    public static SecurityIdentity of(Principal p) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder().addAttribute(PRINCIPAL, p);
        return p.anonymous() ? b.setAnonymous(true).build() : b.setPrincipal(new QuarkusPrincipal(p.name())).build();
    }

    /** The principal an identity stands for. */
    public static Principal principal(SecurityIdentity identity) {
        return identity != null && identity.getAttribute(PRINCIPAL) instanceof Principal p ? p : Principal.ANONYMOUS;
    }
}
