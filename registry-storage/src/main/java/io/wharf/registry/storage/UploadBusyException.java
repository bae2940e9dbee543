package io.wharf.registry.storage;

/**
 * Thrown (as a failed {@code Uni}) when another append or commit is running on the same upload;
 * nothing was written and the upload is unchanged. It is an {@link UploadOffsetException}: the
 * chunk cannot start where the upload will end once the running write is done.
 */
public class UploadBusyException extends UploadOffsetException {
    public UploadBusyException(String uploadId, long currentSize) {
        super(currentSize, "upload " + uploadId + " is being written by another request");
    }
}
