package io.wharf.problem.rest;

import jakarta.ws.rs.core.Response;

import io.wharf.problem.Problem;

/** JAX-RS answers carrying a {@link Problem}: its status, {@value Problem#MEDIA_TYPE} and the problem as the body. */
public final class ProblemResponse {

    private ProblemResponse() {
    }

    /** A builder for the answer, to add headers (a challenge, {@code Allow}). */
    public static Response.ResponseBuilder builder(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    /** The answer. */
    public static Response of(Problem problem) {
        return builder(problem).build();
    }

    /** The answer for a status, a stable code and a detail for people. */
    public static Response of(int status, String code, String detail) {
        return of(Problem.of(status, code, detail));
    }
}
