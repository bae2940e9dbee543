package io.wharf.registry.events;

import java.time.Duration;

/** A stream was not opened: a cap of {@link StreamConfig} is reached. Answered with 429 and {@code Retry-After}. */
public class StreamRefusedException extends RuntimeException {

    private final transient Duration retryAfter;

    public StreamRefusedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** Whole seconds to wait before trying again (at least 1). */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
