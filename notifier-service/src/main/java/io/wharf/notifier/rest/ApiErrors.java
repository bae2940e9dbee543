package io.wharf.notifier.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.notifier.subscription.SubscriptionException;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;

/**
 * Turns domain refusals into problem answers ({@link Problem}): 400 {@code INVALID_REQUEST},
 * 403 {@code FORBIDDEN}, 404 {@code NOT_FOUND}. Framework errors are answered by
 * {@link io.wharf.problem.rest.ProblemMappers}.
 */
public class ApiErrors {

    @ServerExceptionMapper
    public Response refused(SubscriptionException e) {
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
        };
        return ProblemResponse.of(status, Problem.codeOf(status), e.getMessage());
    }
}
