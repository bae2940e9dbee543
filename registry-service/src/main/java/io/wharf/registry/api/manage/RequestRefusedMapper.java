package io.wharf.registry.api.manage;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;
import io.wharf.registry.auth.SignInThrottled;
import io.wharf.registry.identity.RequestRefused;

/** Answers a request the services (or the sign-in throttle) refused as the management API answers every refusal ({@link ApiException}). */
public class RequestRefusedMapper {

    private final ApiException.Mapper errors = new ApiException.Mapper();

    @ServerExceptionMapper
    Response map(RequestRefused e) {
        return errors.map(toApi(e));
    }

    /** Too many failed sign-ins for the account or the address: 429 with when to try again. */
    @ServerExceptionMapper
    Response throttled(SignInThrottled e) {
        return ProblemResponse.builder(Problem.of(429, Problem.codeOf(429), e.getMessage()))
                .header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
    }

    static ApiException toApi(RequestRefused e) {
        return switch (e.reason()) {
            case INVALID -> ApiException.badRequest(e.getMessage());
            case UNAUTHENTICATED -> ApiException.unauthorized();
            case DENIED -> new ApiException(403, "DENIED", e.getMessage());
            case NOT_FOUND -> new ApiException(404, "NOT_FOUND", e.getMessage());
            case CONFLICT -> ApiException.conflict(e.getMessage());
        };
    }
}
