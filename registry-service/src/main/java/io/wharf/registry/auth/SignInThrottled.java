package io.wharf.registry.auth;

import java.time.Duration;

/**
 * A sign-in refused without checking its credentials: too many recent failures for the account or
 * the address ({@link SignInThrottle}). Answered with 429 and {@code Retry-After}.
 */
public class SignInThrottled extends RuntimeException {

    private final Duration retryAfter;

    public SignInThrottled(Duration retryAfter) {
        super("too many failed sign-ins: try again in " + Math.max(1, retryAfter.toSeconds()) + " s", null, false, false);
        this.retryAfter = retryAfter;
    }

    /** Whole seconds until a sign-in may be tried again (at least 1), for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
