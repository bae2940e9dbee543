package io.wharf.registry.events;

import io.wharf.registry.auth.ReadableProjects;

/**
 * What one caller may read of events.
 *
 * @param readable projects whose events the caller may read
 * @param members  projects the caller belongs to (all of them for system admins, its own for a
 *                 robot): only there does it see who pushed from where and where the pipeline
 *                 delivered or deployed ({@link EventRedaction})
 */
public record EventReader(ReadableProjects readable, ReadableProjects members) {

    /** The event as this reader may see it: whole in projects it belongs to, redacted elsewhere. */
    public EventView view(EventView event, String project) {
        return members.allows(project) ? event : EventRedaction.redact(event);
    }
}
