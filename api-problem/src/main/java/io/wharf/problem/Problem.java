package io.wharf.problem;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The error body of every Wharf management API (the registry's {@code /api/v1}, the notifier's and
 * the deployer's): RFC 9457 problem details, sent as {@value #MEDIA_TYPE}. The OCI distribution API
 * ({@code /v2}) and the token endpoint keep the bodies their specifications define.
 * <p>
 * Members, all always present:
 * <ul>
 * <li>{@code type}: {@value #TYPE_PREFIX} followed by the code in lower case with dashes
 * ({@code NOT_FOUND} → {@code https://wharf.io/problems/not-found}); an identifier, not a page
 * to fetch;</li>
 * <li>{@code title}: the HTTP reason phrase of the status ({@code Not Found});</li>
 * <li>{@code status}: the HTTP status of the answer;</li>
 * <li>{@code detail}: what went wrong with this request, for people;</li>
 * <li>{@code code}: a stable upper-case code for programs ({@code INVALID_REQUEST},
 * {@code UNAUTHORIZED}, {@code FORBIDDEN} (the registry says {@code DENIED}), {@code NOT_FOUND},
 * {@code CONFLICT}, {@code TOO_LARGE}, {@code UNSUPPORTED_MEDIA_TYPE}, {@code INTERNAL_ERROR}, and
 * service-specific ones);</li>
 * <li>{@code errors}: the fields of the request that were refused, each with a message (empty
 * unless the request did not validate).</li>
 * </ul>
 * This record depends on nothing but the JDK, so any JSON library serializes it as it is.
 */
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    /** The media type of a problem body (RFC 9457). */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** What every {@code type} starts with. */
    public static final String TYPE_PREFIX = "https://wharf.io/problems/";

    /** The code of a request refused as malformed or invalid (400). */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    /** The code of a request without usable credentials (401). */
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    /** The code of a request the caller may not make (403). */
    public static final String FORBIDDEN = "FORBIDDEN";
    /** The code of a request for something that is not there, or not visible to the caller (404). */
    public static final String NOT_FOUND = "NOT_FOUND";
    /** The code of a request that contradicts the current state (409). */
    public static final String CONFLICT = "CONFLICT";
    /** The code of a failure of the service itself (500); its detail never carries internals. */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    /** The message of a request whose JSON body is missing, for {@code @NotNull(message = BODY_REQUIRED)} on a body parameter. */
    public static final String BODY_REQUIRED = "a JSON body is required";

    /** One refused field: a path into the request body ({@code headers[X-Team]}, {@code window.start}) and why. */
    public record FieldError(String field, String message) {
    }

    public Problem {
        Objects.requireNonNull(code, "code");
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A problem with a status, a stable code and a detail for people. */
    public static Problem of(int status, String code, String detail) {
        return new Problem(typeOf(code), title(status), status, detail, code, List.of());
    }

    /** A 400 {@value #INVALID_REQUEST} naming the refused fields; the detail joins their messages. */
    public static Problem invalid(List<FieldError> errors) {
        String detail = String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList());
        return new Problem(typeOf(INVALID_REQUEST), title(400), 400, detail, INVALID_REQUEST, errors);
    }

    /** This problem naming the refused fields in {@code errors}. */
    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, code, fieldErrors);
    }

    /** The code a bare HTTP status stands for, when nothing more specific is known. */
    public static String codeOf(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 409 -> CONFLICT;
            case 413 -> "TOO_LARGE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 429 -> "TOO_MANY_REQUESTS";
            case 502 -> "BAD_GATEWAY";
            case 503 -> "UNAVAILABLE";
            default -> status >= 500 ? INTERNAL_ERROR : INVALID_REQUEST;
        };
    }

    /** The {@code type} URI of a code. */
    public static String typeOf(String code) {
        return TYPE_PREFIX + code.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The HTTP reason phrase of a status (RFC 9110), or a generic one for a status it does not name. */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
