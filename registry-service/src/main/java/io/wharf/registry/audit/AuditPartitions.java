package io.wharf.registry.audit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps the audit log's monthly partitions: the current and the next month's exist from start on
 * and are prepared again every {@code wharf.audit.maintenance-interval}, so entries never land in
 * the default partition in normal operation; whole months older than {@code wharf.audit.retention}
 * are dropped (the only way entries leave the append-only log). Several instances may run it at
 * once: creating a partition that exists is a no-op, and a lost race is logged and retried next time.
 */
@ApplicationScoped
public class AuditPartitions {
    private static final Logger LOG = Logger.getLogger(AuditPartitions.class);

    private final Pool pool;
    private final AuditConfig config;

    public AuditPartitions(Pool pool, AuditConfig config) {
        this.pool = pool;
        this.config = config;
    }

    void start(@Observes StartupEvent start) {
        prepare().await().indefinitely();
    }

    @Scheduled(every = "${wharf.audit.maintenance-interval:24h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> maintain() {
        return prepare().chain(this::purge).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("audit partitions: %s (retried next time)", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Creates this month's and next month's partitions if missing; returns how many it created. */
    public Uni<Integer> prepare() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return pool.preparedQuery("SELECT audit_ensure_partition($1) AS made UNION ALL SELECT audit_ensure_partition($2)")
                .execute(Tuple.of(now, now.plusMonths(1)))
                .map(rows -> {
                    int made = 0;
                    for (var row : rows) {
                        made += row.getBoolean("made") ? 1 : 0;
                    }
                    return made;
                });
    }

    /** Drops the months older than the retention; returns how many partitions it dropped. */
    public Uni<Integer> purge() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.retention());
        return pool.preparedQuery("SELECT audit_drop_partitions_before($1) AS dropped").execute(Tuple.of(cutoff))
                .map(rows -> rows.iterator().next().getInteger("dropped"))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("dropped %d month(s) of audit entries older than %s", n, config.retention());
                    }
                });
    }
}
