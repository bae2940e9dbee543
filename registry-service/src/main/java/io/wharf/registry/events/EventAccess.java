package io.wharf.registry.events;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.auth.ReadableProjects;

/**
 * Which projects' events the current caller may read: the one access seam of the event query API.
 * Every query, lookup, trace and tail goes through it; an event of a project the caller may not
 * read answers exactly as an event that does not exist.
 */
public interface EventAccess {

    /**
     * The projects whose events the caller of the current request may read. Call it while the
     * request is current (the caller is taken then); the returned Uni may be resolved later.
     */
    Uni<ReadableProjects> readableProjects();
}
