package io.wharf.access;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;

/** 503 {@code UNAVAILABLE} with {@code Retry-After} while the registry cannot say what a request needs from it. */
public class RegistryProblems {

    @ServerExceptionMapper
    public Response registryUnavailable(RegistryUnavailableException e) {
        return ProblemResponse.builder(Problem.of(503, Problem.codeOf(503), e.getMessage() + "; nothing was changed: try again later"))
                .header("Retry-After", "5").build();
    }
}
