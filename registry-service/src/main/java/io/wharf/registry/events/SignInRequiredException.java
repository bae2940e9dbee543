package io.wharf.registry.events;

/**
 * An anonymous event query that is not about public projects only: answered 401 with the
 * management API's challenge, so that a client learns to sign in instead of reading an empty page
 * (or a 404 for an event that may well exist).
 */
public class SignInRequiredException extends RuntimeException {

    public SignInRequiredException(String message) {
        super(message, null, false, false);
    }
}
