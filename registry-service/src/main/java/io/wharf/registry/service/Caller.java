package io.wharf.registry.service;

import io.wharf.events.RegistryEventData;

/**
 * Who made a request and from where, as recorded in the events the request causes.
 *
 * @param actor   the authenticated user or robot, or anonymous
 * @param request request id, remote address and user agent
 */
public record Caller(RegistryEventData.Actor actor, RegistryEventData.RequestInfo request) {

    /** A caller with no request context (scheduled work, tests). */
    public static Caller system() {
        return new Caller(RegistryEventData.Actor.anonymous(), null);
    }
}
