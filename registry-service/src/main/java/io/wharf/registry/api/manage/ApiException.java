package io.wharf.registry.api.manage;

import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A management API request refused with a status and a stable code; nothing was changed. */
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

    /** Writes the error body (and the Basic challenge on a 401). */
    static final class Mapper {
        @ServerExceptionMapper
        Response map(ApiException e) {
            Response.ResponseBuilder r = Response.status(e.status).type(MediaType.APPLICATION_JSON)
                    .entity(new ApiProblem(e.code, e.getMessage(), Map.of()));
            if (e.status == 401) {
                r.header("WWW-Authenticate", "Basic realm=\"wharf\"");
            }
            return r.build();
        }
    }
}
