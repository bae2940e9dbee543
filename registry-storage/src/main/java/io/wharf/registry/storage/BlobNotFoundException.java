package io.wharf.registry.storage;

/** Thrown (as a failed {@code Uni}) when the blob is not in the store. */
public class BlobNotFoundException extends RuntimeException {
    public BlobNotFoundException(String message) {
        super(message, null, false, false);
    }
}
