package io.wharf.registry;

import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;

/** Direct SQL for set-ups no API offers (e.g. moving a robot's expiry into the past). */
final class TestDatabase {

    private TestDatabase() {
    }

    /** Waits (up to 10 s) until the query returns a row. */
    static void awaitRow(String sql) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        Pool pool = Arc.container().instance(Pool.class).get();
        while (pool.query(sql).execute().await().indefinitely().rowCount() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no row for: " + sql);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    static void execute(String sql) {
        Arc.container().instance(Pool.class).get().query(sql).execute().await().indefinitely();
    }
}
