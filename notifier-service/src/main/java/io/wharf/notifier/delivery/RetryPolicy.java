package io.wharf.notifier.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.wharf.notifier.config.NotifierConfig;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial × 2^(n-1)}, at most
 * {@code max-delay}, less a random part of up to {@code jitter} of it. When the target said how
 * long to wait ({@code Retry-After} on a 429 or 503), that is the wait, to the second, however
 * short (capped at {@value #LONGEST_RETRY_AFTER_HOURS} hours): it knows when it will take the
 * message again (Slack answers 429 with {@code Retry-After: 1}).
 */
public final class RetryPolicy {

    static final int LONGEST_RETRY_AFTER_HOURS = 6;
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(LONGEST_RETRY_AFTER_HOURS);

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
        if (retryAfter != null) {
            return retryAfter.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter;
        }
        long initial = config.initialDelay().toMillis();
        long max = config.maxDelay().toMillis();
        int doublings = Math.min(Math.max(failures - 1, 0), 40);
        long delay = initial > max >> doublings ? max : Math.min(max, initial << doublings);
        long jittered = delay - (long) (delay * config.jitter() * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(jittered, 0));
    }
}
