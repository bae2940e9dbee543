package io.wharf.registry.storage;

/** Thrown (as a failed {@code Uni}) when the uploaded bytes do not hash to the digest given. */
public class DigestMismatchException extends RuntimeException {
    public DigestMismatchException(String message) {
        super(message, null, false, false);
    }
}
