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

    /** The {@link SecurityIdentity} attribute holding what the caller's credentials were ({@link Binding}). */
    public static final String BINDING = "wharf.binding";

    /** The identity of a checked principal (anonymous when the principal is) and what its credentials were. */
    public static SecurityIdentity of(Principal p, Binding binding) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder().addAttribute(PRINCIPAL, p).addAttribute(BINDING, binding);
        return p.anonymous() ? b.setAnonymous(true).build() : b.setPrincipal(new QuarkusPrincipal(p.name())).build();
    }

    /** What the credentials of an identity were ({@link Binding#NONE} when it has none). */
    public static Binding binding(SecurityIdentity identity) {
        return identity != null && identity.getAttribute(BINDING) instanceof Binding b ? b : Binding.NONE;
    }

    /** The principal an identity stands for. */
    public static Principal principal(SecurityIdentity identity) {
        return identity != null && identity.getAttribute(PRINCIPAL) instanceof Principal p ? p : Principal.ANONYMOUS;
    }
}
