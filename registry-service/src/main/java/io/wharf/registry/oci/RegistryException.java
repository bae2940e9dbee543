package io.wharf.registry.oci;

import java.util.Map;

/** A request the registry refuses with one of the {@link OciError} codes; nothing was changed. */
public class RegistryException extends RuntimeException {
    private final OciError error;
    private final String detail;
    private final Map<String, String> headers;

    public RegistryException(OciError error, String detail) {
        this(error, detail, Map.of());
    }

    public RegistryException(OciError error, String detail, Map<String, String> headers) {
        super(error.code() + (detail == null ? "" : ": " + detail), null, false, false);
        this.error = error;
        this.detail = detail;
        this.headers = headers;
    }

    public OciError error() {
        return error;
    }

    /** Extra detail for the {@code detail} field, or null. */
    public String detail() {
        return detail;
    }

    /**
     * The {@code message} field: the code's own message, unless a subclass says more (clients print
     * it: docker shows {@code denied: <message>}).
     */
    public String message() {
        return error.message();
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
