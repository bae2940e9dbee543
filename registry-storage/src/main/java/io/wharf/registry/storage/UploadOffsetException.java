package io.wharf.registry.storage;

/** Thrown (as a failed {@code Uni}) when a chunk does not start where the upload ends. */
public class UploadOffsetException extends RuntimeException {
    private final long currentSize;

    public UploadOffsetException(long currentSize, long requestedOffset) {
        super("chunk starts at " + requestedOffset + " but the upload holds " + currentSize + " bytes", null, false, false);
        this.currentSize = currentSize;
    }

    /** For subclasses that say why the chunk cannot go where the client wants it. */
    protected UploadOffsetException(long currentSize, String message) {
        super(message, null, false, false);
        this.currentSize = currentSize;
    }

    /** Bytes the upload holds, so the caller can answer with the right {@code Range}. */
    public long currentSize() {
        return currentSize;
    }
}
