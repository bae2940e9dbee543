package io.wharf.deployer.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.deployer.rule.DeployerException;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;

/**
 * Refusals as problem answers ({@link Problem}), as the notifier answers them: 400
 * {@code INVALID_REQUEST}, 403 {@code FORBIDDEN}, 404 {@code NOT_FOUND}, 409 {@code CONFLICT}; 503
 * {@code UNAVAILABLE} while the registry cannot answer what a request needs from it comes from
 * access-contract's {@link io.wharf.access.RegistryProblems}.
 * Framework errors are answered by {@link io.wharf.problem.rest.ProblemMappers}.
 */
public class ApiErrors {

    @ServerExceptionMapper
    public Response refused(DeployerException e) {
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
            case CONFLICT -> 409;
        };
        return ProblemResponse.of(status, Problem.codeOf(status), e.getMessage());
    }
}
