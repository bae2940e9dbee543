package io.wharf.deployer.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, probing every 50 ms. */
public final class Waiting {

    private Waiting() {
    }

    public static <T> T forValue(String condition, Duration limit, Supplier<T> probe, Predicate<T> accepted) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            T seen = probe.get();
            if (accepted.test(seen)) {
                return seen;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("gave up after " + limit + " waiting for " + condition + "; last: " + seen);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + condition);
            }
        }
    }
}
