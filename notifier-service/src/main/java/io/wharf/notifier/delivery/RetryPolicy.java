package io.wharf.notifier.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.wharf.notifier.config.NotifierConfig;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial × 2^(n-1)}, at most
 * {@code max-delay}, less a random part of up to {@code jitter} of it; never less than the
 * target's {@code Retry-After} (itself capped at one day).
 */
public final class RetryPolicy {

    private static final Duration LONGEST_RETRY_AFTER = Duration.ofDays(1);

    private final NotifierConfig.Delivery config;

    public RetryPolicy(NotifierConfig.Delivery config) {
        this.config = config;
    }

    /** True when a delivery that has failed {@code failures} times may be tried again. */
    public boolean mayRetry(int failures) {
        return failures < config.maxAttempts();
    }

    /** Wait before the next attempt after {@code failures} failed ones. */
    public Duration delay(int failures, Duration retryAfter) {
        long initial = config.initialDelay().toMillis();
        long max = config.maxDelay().toMillis();
        int doublings = Math.min(Math.max(failures - 1, 0), 40);
        long delay = initial > max >> doublings ? max : Math.min(max, initial << doublings);
        long jittered = delay - (long) (delay * config.jitter() * ThreadLocalRandom.current().nextDouble());
        Duration wait = Duration.ofMillis(Math.max(jittered, 0));
        if (retryAfter != null) {
            Duration asked = retryAfter.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter;
            return asked.compareTo(wait) > 0 ? asked : wait;
        }
        return wait;
    }
}
