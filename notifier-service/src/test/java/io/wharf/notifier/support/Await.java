package io.wharf.notifier.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes. */
public final class Await {

    private Await() {
    }

    public static <T> T until(String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + value);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = probe.get();
        }
        return value;
    }

    public static void until(String what, Duration timeout, Supplier<Boolean> condition) {
        until(what, timeout, condition, Boolean::booleanValue);
    }
}
