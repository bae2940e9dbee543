package io.wharf.problem.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.wharf.problem.Problem;

/**
 * Answers the errors the framework raises around a management API's resource methods with a
 * {@link Problem}, so that every service says them the same way: unreadable JSON, an unknown enum
 * value or a value of the wrong type (400, naming the field), a request body that breaks its
 * constraints (400 with one {@code errors} entry per field), JAX-RS refusals such as 404, 405, 406,
 * 413 and 415 (their status, headers such as {@code Allow} kept), missing or refused credentials
 * (401 with the authentication mechanism's challenge), denied access (403), and anything else
 * (500, logged; the body never carries a stack trace or an exception message).
 * <p>
 * Each service maps its own domain exceptions to problems; this class covers the rest.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper({ MismatchedInputException.class, JsonProcessingException.class })
    public Response unreadable(JsonProcessingException e) {
        return ProblemResponse.of(unreadableJson(e));
    }

    @ServerExceptionMapper({ ResteasyReactiveViolationException.class, ConstraintViolationException.class })
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            if (returnValue(violation.getPropertyPath())) {
                LOG.errorf("an answer broke its own constraints: %s %s", violation.getPropertyPath(), violation.getMessage());
                return ProblemResponse.of(500, Problem.INTERNAL_ERROR, "the service could not answer this request");
            }
            Problem.FieldError error = new Problem.FieldError(field(violation.getPropertyPath()), violation.getMessage());
            if (!errors.contains(error)) {
                errors.add(error);
            }
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message));
        return ProblemResponse.of(Problem.invalid(errors));
    }

    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status < 400) {
            return original;
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return ProblemResponse.of(unreadableJson(json));
        }
        if (status >= 500) {
            LOG.errorf(e, "request failed with %d", status);
        }
        Response.ResponseBuilder answer = ProblemResponse.builder(Problem.of(status, Problem.codeOf(status), detail(e, status)));
        for (Map.Entry<String, List<Object>> header : original.getHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Content-Type") && !header.getKey().equalsIgnoreCase("Content-Length")) {
                header.getValue().forEach(value -> answer.header(header.getKey(), value));
            }
        }
        return answer.build();
    }

    /** 401 with the challenge of the authentication mechanism that refused (e.g. {@code WWW-Authenticate: Bearer}). */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Uni<Response> unauthorized(RoutingContext context) {
        HttpAuthenticator authenticator = context.get(HttpAuthenticator.class.getName());
        Uni<ChallengeData> challenge = authenticator == null ? Uni.createFrom().nullItem() : authenticator.getChallenge(context);
        return challenge.onFailure().recoverWithNull().map(data -> {
            Response.ResponseBuilder answer = ProblemResponse.builder(
                    Problem.of(401, Problem.UNAUTHORIZED, "a valid API token is required (Authorization: Bearer <token>)"));
            if (data != null && data.getHeaders() != null) {
                data.getHeaders().forEach((name, value) -> answer.header(name.toString(), value));
            }
            return answer.build();
        });
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ProblemResponse.of(403, Problem.FORBIDDEN, "you may not do this");
    }

    @ServerExceptionMapper
    public Response failed(Throwable e) {
        LOG.error("request failed", e);
        return ProblemResponse.of(500, Problem.INTERNAL_ERROR, "the service could not answer this request");
    }

    /** A 400 for a body that is not JSON, or JSON that does not fit the request's shape. */
    static Problem unreadableJson(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = field(mismatch.getPath());
            return Problem.invalid(List.of(new Problem.FieldError(field, mismatchMessage(mismatch))));
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return Problem.invalid(List.of(new Problem.FieldError(unknown.getPropertyName(), "is not a known property")));
        }
        if (e instanceof StreamReadException read && read.getLocation() != null) {
            return Problem.of(400, Problem.INVALID_REQUEST, "the body is not valid JSON (line " + read.getLocation().getLineNr()
                    + ", column " + read.getLocation().getColumnNr() + ")");
        }
        return Problem.of(400, Problem.INVALID_REQUEST, "the body is not valid JSON for this request");
    }

    private static String mismatchMessage(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known property";
        }
        Class<?> target = e.getTargetType();
        if (target != null && target.isEnum()) {
            String allowed = Arrays.stream(target.getEnumConstants()).map(c -> ((Enum<?>) c).name()).collect(Collectors.joining(", "));
            String given = e instanceof InvalidFormatException format && format.getValue() != null ? "'" + format.getValue() + "' " : "";
            return given + "is not one of " + allowed;
        }
        if (target != null) {
            return "must be " + describe(target);
        }
        return "has the wrong type";
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    /** A JSON path as {@code window.days[2]} (property names dotted, array indexes in brackets). */
    private static String field(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /**
     * A violation's path inside the request body, as the client wrote it: the method and parameter
     * names are dropped ({@code create.request.headers<K>[X-a].<map value>} → {@code headers[X-a]}).
     */
    static String field(Path path) {
        StringBuilder out = new StringBuilder();
        boolean inBody = false;
        for (Path.Node node : path) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (kind == ElementKind.PARAMETER || kind == ElementKind.CROSS_PARAMETER) {
                inBody = true;
                continue;
            }
            if (node.isInIterable()) {
                out.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (kind == ElementKind.PROPERTY || kind == ElementKind.BEAN && node.getName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(node.getName());
            }
        }
        return out.isEmpty() && !inBody ? path.toString() : out.toString();
    }

    private static boolean returnValue(Path path) {
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.RETURN_VALUE) {
                return true;
            }
        }
        return false;
    }

    private static String detail(WebApplicationException e, int status) {
        String message = e.getMessage();
        if (message != null && !message.isBlank() && !message.startsWith("HTTP " + status)) {
            return message;
        }
        return switch (status) {
            case 404 -> "there is nothing at this address";
            case 405 -> "this address does not take that method";
            case 406 -> "the answer cannot be given in a media type the request accepts";
            case 413 -> "the request body is too large";
            case 415 -> "the request body's media type is not accepted here (send application/json)";
            default -> Problem.title(status);
        };
    }
}
