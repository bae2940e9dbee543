package io.wharf.intake.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.intake.ParkedEventException;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;

/** The parked-event API's refusals as problems: 400, 404, 409 {@code CONFLICT}, 409 {@code REPLAY_FAILED}. */
public class ParkedEventErrors {

    @ServerExceptionMapper
    public Response refused(ParkedEventException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> ProblemResponse.of(404, Problem.NOT_FOUND, e.getMessage());
            case NOT_PARKED -> ProblemResponse.of(409, Problem.CONFLICT, e.getMessage());
            case REPLAY_FAILED -> ProblemResponse.of(409, "REPLAY_FAILED", e.getMessage());
        };
    }

    @ServerExceptionMapper
    public Response badQuery(ParkedEventResource.BadQuery e) {
        return ProblemResponse.of(Problem.invalid(List.of(new Problem.FieldError(e.field(), e.getMessage()))));
    }
}
