package io.wharf.registry.events;

import java.time.Instant;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.Principal;

/**
 * Which projects' events a caller may read, and in which it sees them whole: the one access seam
 * of the event query API. Every query, lookup, trace and stream goes through it; an event of a
 * project the caller may not read answers exactly as an event that does not exist.
 */
public interface EventAccess {

    /** The caller of the current request and when its credentials expire (null: they do not). Call it while the request is current. */
    Caller caller();

    /**
     * What the caller of the current request may read. Call it while the request is current (the
     * caller is taken then); the returned Uni may be resolved later.
     */
    default Uni<EventReader> reader() {
        return reader(caller().principal());
    }

    /** What the principal may read now (open streams ask again as memberships and visibility change). */
    Uni<EventReader> reader(Principal principal);

    /**
     * A caller of the event API.
     *
     * @param principal who it is
     * @param expiresAt when the credentials it signed in with expire, null if never
     */
    record Caller(Principal principal, Instant expiresAt) {
    }
}
