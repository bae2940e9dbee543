package io.wharf.registry.proxy;

import java.util.ArrayDeque;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * At most {@code max} pieces of asynchronous work at once; the rest wait, first come first served, without
 * holding a thread. Work that was waiting resumes on the Vert.x context it was asked from (Hibernate
 * Reactive's session is bound to it), and a request cancelled while it waits gives up its place.
 */
final class Permits {

    private final int max;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int used;

    Permits(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one permit, not " + max);
        }
        this.max = max;
    }

    /** Runs {@code work} once a permit is free, and frees it when the work ends (or is cancelled). */
    <T> Uni<T> with(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            Holder holder = new Holder();
            Uni<Void> acquired = Uni.createFrom().emitter(emitter -> {
                emitter.onTermination(holder::cancelled);
                acquire(() -> {
                    if (!holder.take()) {
                        release(); // the request went away while it waited
                    } else if (context == null) {
                        emitter.complete(null);
                    } else {
                        context.runOnContext(v -> emitter.complete(null));
                    }
                });
            });
            return acquired.chain(work::get).onTermination().invoke(() -> {
                if (holder.drop()) {
                    release();
                }
            });
        });
    }

    /** Permits in use now. */
    synchronized int used() {
        return used;
    }

    private void acquire(Runnable granted) {
        synchronized (this) {
            if (used >= max) {
                waiting.add(granted);
                return;
            }
            used++;
        }
        granted.run();
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                used--;
                return;
            }
        }
        next.run(); // the permit passes on
    }

    /** Whether one request holds its permit: taken once granted, dropped once (on termination or cancellation). */
    private static final class Holder {
        private boolean gone;
        private boolean held;

        synchronized boolean take() {
            if (gone) {
                return false;
            }
            held = true;
            return true;
        }

        synchronized void cancelled() {
            if (!held) {
                gone = true;
            }
        }

        synchronized boolean drop() {
            gone = true;
            boolean was = held;
            held = false;
            return was;
        }
    }
}
