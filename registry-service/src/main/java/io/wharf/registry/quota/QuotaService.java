package io.wharf.registry.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.wharf.events.AuditEventData;
import io.quarkus.runtime.StartupEvent;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.identity.AuditTrail;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.identity.RequestRefused;

/**
 * Project quotas as the management API shows and changes them: a project's members read its quota and
 * usage; only system administrators set a quota (a project administrator must not raise its own),
 * list every project's usage, and have usage recomputed from the tables. Each change is audited in
 * its transaction; this instance enforces it at once, the others within {@code wharf.quota.cache-ttl}.
 */
@ApplicationScoped
public class QuotaService {

    /** The audit action of a quota change. */
    static final String QUOTA_CHANGED = AuditEventData.Actions.QUOTA_CHANGED;
    /** The audit action of a recomputation that found and fixed drift. */
    static final String USAGE_RECOMPUTED = AuditEventData.Actions.QUOTA_USAGE_RECOMPUTED;

    /**
     * A project's quota and usage.
     *
     * @param storageLimit   bytes, null: unlimited
     * @param artifactLimit  manifests, null: unlimited
     * @param used           bytes used: distinct blobs linked by the project's repositories, plus its manifests
     * @param artifacts      manifests stored
     * @param percent        {@code used} in percent of {@code storageLimit}, rounded down; null without a storage limit
     * @param warningPercent the percent past which pushes record {@code quota.warning}
     */
    public record Usage(String project, Long storageLimit, Long artifactLimit, long used, long artifacts, Integer percent,
                        int warningPercent) {
    }

    private static final String USAGE = """
            SELECT p.name, q.storage_limit, q.artifact_limit,
                   coalesce(u.blob_bytes + u.manifest_bytes, 0) AS used, coalesce(u.artifacts, 0) AS artifacts
            FROM project p LEFT JOIN project_quota q ON q.project = p.name LEFT JOIN project_usage u ON u.project = p.name""";

    private final Pool pool;
    private final CallerAccess access;
    private final AuditTrail audit;
    private final QuotaGuard guard;
    private final QuotaConfig config;
    private final Long defaultStorage;

    public QuotaService(Pool pool, CallerAccess access, AuditTrail audit, QuotaGuard guard, QuotaConfig config) {
        this.pool = pool;
        this.access = access;
        this.audit = audit;
        this.guard = guard;
        this.config = config;
        try {
            this.defaultStorage = ByteSizes.parse(config.defaultStorage());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("wharf.quota.default-storage: " + e.getMessage(), e);
        }
    }

    /** The project's quota and usage, for anyone who may read the project's details. */
    public Uni<Usage> get(String project) {
        return access.project(project, CallerAccess::reads).chain(p -> usage(pool, p.name()));
    }

    /** Every project's quota and usage, fullest first (system administrators). */
    public Uni<List<Usage>> list() {
        access.admin();
        return pool.query(USAGE).execute().map(rows -> {
            List<Usage> all = new ArrayList<>();
            rows.forEach(r -> all.add(usage(r)));
            all.sort((a, b) -> {
                int byPercent = Integer.compare(b.percent() == null ? -1 : b.percent(), a.percent() == null ? -1 : a.percent());
                return byPercent != 0 ? byPercent : Long.compare(b.used(), a.used());
            });
            return all;
        });
    }

    /**
     * Sets the project's limits (system administrators); a null limit is unlimited. {@code storage} is
     * a size as {@link ByteSizes#parse} reads it.
     */
    public Uni<Usage> set(String project, String storage, Long artifactLimit) {
        Principal admin = access.admin();
        Long storageLimit;
        try {
            storageLimit = storage == null ? null : ByteSizes.parse(storage);
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid("storageLimit: " + e.getMessage());
        }
        if (artifactLimit != null && artifactLimit < 0) {
            throw RequestRefused.invalid("artifactLimit: must not be negative, or null for unlimited");
        }
        return access.project(project, CallerAccess::manages)
                .chain(p -> audit.by(admin, QUOTA_CHANGED, p.name()).chain(entry -> pool.withTransaction(db -> db.preparedQuery("""
                                INSERT INTO project_quota (project, storage_limit, artifact_limit) VALUES ($1, $2, $3)
                                ON CONFLICT (project) DO UPDATE SET storage_limit = $2, artifact_limit = $3, updated_at = now()""")
                        .execute(Tuple.of(p.name(), storageLimit, artifactLimit))
                        .call(() -> audit.record(db, entry.subject(p.name())
                                .summary("storageLimit", storageLimit == null ? "unlimited" : storageLimit)
                                .summary("artifactLimit", artifactLimit == null ? "unlimited" : artifactLimit)))))
                        .invoke(() -> guard.changed(p.name()))
                        .chain(() -> usage(pool, p.name())));
    }

    /**
     * Recomputes every project's usage from the tables (system administrators): what the triggers
     * keep should never drift, this repairs it if it did. Returns the projects whose usage was wrong.
     */
    public Uni<List<String>> recompute() {
        Principal admin = access.admin();
        return pool.query("SELECT project FROM project_usage UNION SELECT project FROM repository UNION SELECT name FROM project").execute()
                .chain(rows -> {
                    List<String> projects = new ArrayList<>();
                    rows.forEach(r -> projects.add(r.getString(0)));
                    List<String> fixed = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String p : projects) {
                        chain = chain.chain(() -> pool.withTransaction(db -> db.preparedQuery("SELECT quota_recompute($1) AS fixed")
                                .execute(Tuple.of(p)).invoke(r -> {
                                    if (r.iterator().next().getBoolean("fixed")) {
                                        fixed.add(p);
                                    }
                                })).replaceWithVoid());
                    }
                    return chain.replaceWith(fixed);
                })
                .call(fixed -> fixed.isEmpty() ? Uni.createFrom().voidItem() : audit.by(admin, USAGE_RECOMPUTED, null)
                        .chain(entry -> audit.record(entry.summary("projects", String.join(",", fixed)))));
    }

    /**
     * Makes {@code wharf.quota.default-storage} the storage limit that projects created from now on
     * start with (a trigger on {@code project} applies it, whichever way the project is made).
     */
    void applyDefault(@Observes StartupEvent start) {
        pool.preparedQuery("UPDATE quota_default SET storage_limit = $1").execute(Tuple.of(defaultStorage))
                .await().atMost(Duration.ofSeconds(30));
    }

    private Uni<Usage> usage(SqlClient db, String project) {
        return db.preparedQuery(USAGE + " WHERE p.name = $1").execute(Tuple.of(project)).map(rows -> usage(rows.iterator().next()));
    }

    private Usage usage(Row r) {
        Long storageLimit = r.getLong("storage_limit");
        long used = r.getLong("used");
        return new Usage(r.getString("name"), storageLimit, r.getLong("artifact_limit"), used, r.getLong("artifacts"),
                storageLimit == null ? null : QuotaGuard.percent(used, storageLimit), config.warningPercent());
    }
}
