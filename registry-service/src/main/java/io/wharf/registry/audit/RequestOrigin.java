package io.wharf.registry.audit;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Where the current HTTP request comes from, for audit entries: its id and the caller's address.
 * A filter ahead of every route takes the id from {@code X-Request-Id} when the client sent a
 * usable one (at most 128 printable ASCII characters), else makes a UUID, sends it back in
 * {@code X-Request-Id}, and keeps both on the request's Vert.x context, where code further down the
 * same request reads them. Outside a request both are null.
 */
@ApplicationScoped
public class RequestOrigin {

    /** The header that carries a request's id, both ways. */
    public static final String HEADER = "X-Request-Id";

    private static final String ID = "wharf.request.id";
    private static final String ADDRESS = "wharf.request.address";

    void install(@Observes Filters filters) {
        filters.register(this::remember, 1000);
    }

    private void remember(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String id = request.getHeader(HEADER);
        if (!usable(id)) {
            id = UUID.randomUUID().toString();
        }
        ctx.response().putHeader(HEADER, id);
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(ID, id);
            if (request.remoteAddress() != null) {
                ContextLocals.put(ADDRESS, request.remoteAddress().hostAddress());
            }
        }
        ctx.next();
    }

    /** The current request's id, or null outside a request. */
    public static String requestId() {
        return VertxContext.isOnDuplicatedContext() ? ContextLocals.<String>get(ID).orElse(null) : null;
    }

    /** The current request's caller address as the connection gave it, or null outside a request. */
    public static String address() {
        return VertxContext.isOnDuplicatedContext() ? ContextLocals.<String>get(ADDRESS).orElse(null) : null;
    }

    private static boolean usable(String id) {
        return id != null && !id.isBlank() && id.length() <= 128 && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
