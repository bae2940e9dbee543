package io.wharf.registry.storage;

/** Thrown (as a failed {@code Uni}) when there is no such upload. */
public class UploadNotFoundException extends RuntimeException {
    public UploadNotFoundException(String message) {
        super(message, null, false, false);
    }
}
