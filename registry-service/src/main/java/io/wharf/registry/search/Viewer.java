package io.wharf.registry.search;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Action;
import io.wharf.registry.auth.Principal;

/**
 * Whose eyes a search answers for, in the form SQL filters with: everything (system admins), or
 * public projects plus {@code memberOf} (the projects a user has any role in, a robot's own project
 * when it may pull there and has not expired).
 * The public projects are not listed here: the query reads them from the project table.
 */
public record Viewer(boolean all, Set<String> memberOf) {

    public static final Viewer ANONYMOUS = new Viewer(false, Set.of());

    public Viewer {
        memberOf = Set.copyOf(memberOf);
    }

    /** The viewer for a principal, from the policy's cached memberships (no read of every project). */
    public static Uni<Viewer> of(Principal p, AccessPolicy policy) {
        if (p.systemAdmin()) {
            return Uni.createFrom().item(new Viewer(true, Set.of()));
        }
        if (p.robot()) {
            boolean pulls = p.robotActions().contains(Action.PULL) && (p.expiresAt() == null || Instant.now().isBefore(p.expiresAt()));
            return Uni.createFrom().item(pulls ? new Viewer(false, Set.of(p.robotProject())) : ANONYMOUS);
        }
        if (!p.user()) {
            return Uni.createFrom().item(ANONYMOUS);
        }
        return policy.roles(p).map(roles -> new Viewer(false, new HashSet<>(roles.keySet())));
    }
}
