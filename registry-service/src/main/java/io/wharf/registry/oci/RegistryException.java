package io.wharf.registry.oci;

import java.util.Map;

/** A request the registry refuses with one of the {@link OciError} codes; nothing was changed. */
public class RegistryException extends RuntimeException {
    private final OciError error;
    private final String detail;
    private final Map<String, String> headers;
    private final String message;

    public RegistryException(OciError error, String detail) {
        this(error, detail, Map.of());
    }

    public RegistryException(OciError error, String detail, Map<String, String> headers) {
        this(error, error.message(), detail, headers);
    }

    private RegistryException(OciError error, String message, String detail, Map<String, String> headers) {
        super(error.code() + (detail == null ? "" : ": " + detail), null, false, false);
        this.error = error;
        this.message = message;
        this.detail = detail;
        this.headers = headers;
    }

    /**
     * A refusal whose {@code message} field is {@code message} instead of the code's default: clients
     * print that field ({@code denied: <message>}), so a refusal the user must act on says why there.
     */
    public static RegistryException saying(OciError error, String message) {
        return new RegistryException(error, message, message, Map.of());
    }

    public OciError error() {
        return error;
    }

    /** Extra detail for the {@code detail} field, or null. */
    public String detail() {
        return detail;
    }

    /**
     * The {@code message} field: the code's own message, unless the refusal was made {@link #saying}
     * another or a subclass says more (clients print it: docker shows {@code denied: <message>}).
     */
    public String message() {
        return message;
    }

    /** The {@code detail} field: {@link #detail}, unless a subclass gives a structure (a map, JSON-encoded). */
    public Object detailValue() {
        return detail;
    }

    /** Headers the error response must carry (e.g. {@code Range} on a 416). */
    public Map<String, String> headers() {
        return headers;
    }
}
