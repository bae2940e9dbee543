package io.wharf.notifier.channel;

/** A target that could not be reached this time (name does not resolve yet): retried. */
public class UnreachableTargetException extends RuntimeException {
    public UnreachableTargetException(String message) {
        super(message);
    }
}
