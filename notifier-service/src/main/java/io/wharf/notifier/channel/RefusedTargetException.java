package io.wharf.notifier.channel;

/** A target the notifier will not send to (private address, bad URL): final, never retried. */
public class RefusedTargetException extends RuntimeException {
    public RefusedTargetException(String message) {
        super(message);
    }
}
