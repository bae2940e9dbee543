package io.wharf.registry.api;

import java.util.UUID;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.wharf.events.RegistryEventData;
import io.wharf.registry.service.Caller;

/** Builds the {@link Caller} of a request: who (as the guard authenticated it) and from where. */
final class Callers {

    private Callers() {
    }

    static Caller of(RoutingContext ctx) {
        String requestId = ctx.request().getHeader("X-Request-Id");
        if (requestId == null || requestId.isBlank() || requestId.length() > 128) {
            requestId = UUID.randomUUID().toString();
        }
        SocketAddress remote = ctx.request().remoteAddress();
        return new Caller(RegistryGuard.principal(ctx).actor(), new RegistryEventData.RequestInfo(
                requestId, remote == null ? null : remote.hostAddress(), ctx.request().getHeader("User-Agent")));
    }
}
