package io.wharf.deployer.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.deployer.registry.RegistryUnavailableException;
import io.wharf.deployer.rule.DeployerException;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;

/**
 * Refusals as problem answers ({@link Problem}), as the notifier answers them: 400
 * {@code INVALID_REQUEST}, 403 {@code FORBIDDEN}, 404 {@code NOT_FOUND}, 409 {@code CONFLICT}; 503
 * {@code UNAVAILABLE} while the registry cannot answer what a request needs from it.
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

    @ServerExceptionMapper
    public Response registryUnavailable(RegistryUnavailableException e) {
        return ProblemResponse.builder(Problem.of(503, Problem.codeOf(503), e.getMessage() + "; nothing was changed: try again later"))
                .header("Retry-After", "5").build();
    }
}
