package io.wharf.notifier.rest;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.notifier.subscription.SubscriptionException;

/** Turns domain refusals into statuses with a JSON {@code {"error": …}} body. */
public class ApiErrors {

    @ServerExceptionMapper
    public Response refused(SubscriptionException e) {
        Response.Status status = switch (e.kind()) {
            case INVALID -> Response.Status.BAD_REQUEST;
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case FORBIDDEN -> Response.Status.FORBIDDEN;
        };
        return Response.status(status).entity(Map.of("error", e.getMessage())).build();
    }
}
