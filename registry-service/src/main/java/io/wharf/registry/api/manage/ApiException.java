package io.wharf.registry.api.manage;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;

/**
 * A management API request refused with a status and a stable code; nothing was changed. Answered as
 * a {@link Problem} (RFC 9457) whose {@code code} is this code and {@code detail} this message.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "INVALID_REQUEST", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "UNAUTHORIZED", "authentication required");
    }

    public static ApiException denied() {
        return new ApiException(403, "DENIED", "requested access to the resource is denied");
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "NOT_FOUND", what + " not found");
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "CONFLICT", message);
    }

    /** The problem answer for a refusal. */
    public static Response answer(int status, String code, String message) {
        Response.ResponseBuilder r = ProblemResponse.builder(Problem.of(status, code, message));
        if (status == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"wharf\"");
        }
        return r.build();
    }

    /** Writes the problem body (and the Basic challenge on a 401). */
    static final class Mapper {
        @ServerExceptionMapper
        Response map(ApiException e) {
            return answer(e.status, e.code, e.getMessage());
        }
    }
}
