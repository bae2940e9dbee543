package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * After every test of a class that implements it: each project's usage as the registry keeps it
 * ({@code project_usage}) equals a recomputation from the tables by SQL of its own (distinct blob
 * digests linked in the project's repositories, plus the project's manifests).
 */
interface UsageChecked {

    /** Projects whose kept usage differs from the recomputation, with both. */
    String DRIFT = """
            WITH projects AS (SELECT project FROM repository UNION SELECT project FROM project_usage),
            actual AS (
                SELECT p.project,
                       (SELECT coalesce(sum(b.size), 0) FROM blob b WHERE b.digest IN (
                            SELECT l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id WHERE r.project = p.project))
                     + (SELECT coalesce(sum(m.size), 0) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project = p.project) AS bytes,
                       (SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project = p.project) AS artifacts
                FROM projects p)
            SELECT a.project, a.bytes, a.artifacts, u.blob_bytes + u.manifest_bytes AS kept_bytes, u.artifacts AS kept_artifacts
            FROM actual a LEFT JOIN project_usage u ON u.project = a.project
            WHERE a.bytes <> coalesce(u.blob_bytes + u.manifest_bytes, 0) OR a.artifacts <> coalesce(u.artifacts, 0)""";

    @AfterEach
    default void usageEqualsItsRecomputation() {
        Pool pool = Arc.container().instance(Pool.class).get();
        List<String> drift = new ArrayList<>();
        pool.query(DRIFT).execute().await().indefinitely().forEach(r -> drift.add(r.toJson().encode()));
        assertEquals(List.of(), drift, "usage kept by the registry differs from the SQL recomputation");
    }
}
