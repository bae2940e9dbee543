package io.wharf.registry.retention;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.WharfEvent;
import io.wharf.registry.events.PipelineEventListener;

/**
 * The digests Wharf deployments run or may roll back to, per repository ({@code deployed_digest}),
 * learned from every {@code deployment.*} event that touched a target (started, succeeded, failed,
 * rolledback: {@link io.wharf.events.EventType#touchedTarget()}): both its {@code digest} and its
 * {@code previousDigest}, since a failed rollout and a rollback both mean the target may run either. A
 * deployment that never touched its target (skipped, superseded, planned by a dry run, rejected) protects
 * nothing. Rows are never removed: what was once deployed stays protected from
 * retention and untagged cleanup (a rollback may reach far back), until the repository's manifests are
 * deleted by hand.
 */
@ApplicationScoped
public class DeployedDigests implements PipelineEventListener {

    /** The reason a report gives for a deployed digest. */
    static final String DEPLOYED = "deployed: a deployment runs it or may roll back to it";

    private final Pool pool;

    public DeployedDigests(Pool pool) {
        this.pool = pool;
    }

    /** Records the digests of a deployment event that touched a target; other events change nothing. Idempotent (a redelivered event is a no-op in effect). */
    @Override
    public Uni<Void> received(WharfEvent<?> event) {
        if (!(event.data() instanceof DeploymentEventData d) || !event.type().touchedTarget()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (String digest : new String[] {d.digest(), d.previousDigest()}) {
            if (digest != null && !digest.isBlank()) {
                rows.add(Tuple.of(d.repository(), digest, event.type().cloudEventType()));
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                        INSERT INTO deployed_digest (repository, digest, last_event) VALUES ($1, $2, $3)
                        ON CONFLICT (repository, digest) DO UPDATE SET last_seen = now(), last_event = EXCLUDED.last_event""")
                .executeBatch(rows).replaceWithVoid();
    }

    /** The deployed digests of the repository, each with the reason a report gives. */
    Uni<Map<String, String>> of(SqlClient db, String repository) {
        return db.preparedQuery("SELECT digest FROM deployed_digest WHERE repository = $1").execute(Tuple.of(repository))
                .map(rows -> {
                    Map<String, String> digests = new HashMap<>();
                    rows.forEach(r -> digests.put(r.getString(0), DEPLOYED));
                    return digests;
                });
    }
}
