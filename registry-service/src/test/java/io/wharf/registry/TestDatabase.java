package io.wharf.registry;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;

/** Direct SQL for set-ups no API offers (e.g. moving a robot's expiry into the past). */
final class TestDatabase {

    private TestDatabase() {
    }

    /** Waits (up to 10 s) until the query returns a row. */
    static void awaitRow(String sql) {
        Pool pool = Arc.container().instance(Pool.class).get();
        await("a row for: " + sql).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> pool.query(sql).execute().await().indefinitely().rowCount() > 0);
    }

    static void execute(String sql) {
        Arc.container().instance(Pool.class).get().query(sql).execute().await().indefinitely();
    }
}
