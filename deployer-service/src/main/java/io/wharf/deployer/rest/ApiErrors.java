package io.wharf.deployer.rest;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.deployer.rule.DeployerException;

/** Refusals as statuses with a JSON {@code {"error": …}} body, as the notifier answers them. */
public class ApiErrors {

    @ServerExceptionMapper
    public Response refused(DeployerException e) {
        Response.Status status = switch (e.kind()) {
            case INVALID -> Response.Status.BAD_REQUEST;
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case FORBIDDEN -> Response.Status.FORBIDDEN;
            case CONFLICT -> Response.Status.CONFLICT;
        };
        return Response.status(status).entity(Map.of("error", e.getMessage())).build();
    }
}
