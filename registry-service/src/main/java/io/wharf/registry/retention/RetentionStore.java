package io.wharf.registry.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The retention tables: policies ({@code retention_policy}), runs ({@code retention_run}) and what the
 * planner reads of a repository's manifests. Every method works on the client given (a pool, or a
 * transaction's connection).
 */
@ApplicationScoped
public class RetentionStore {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final TypeReference<List<RetentionRule>> RULES = new TypeReference<>() {
    };

    /**
     * A run as stored and shown: {@code report} is the JSON report, {@code {"repositories": [{repository,
     * items: [{digest, action, reason, tags: [{tag, action, reason}]}]}]}}, or null (left out of lists).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Run(long id, String project, String kind, boolean dryRun, String trigger, String actor, String status,
                      Instant startedAt, Instant finishedAt, int kept, int deleted, int deletedTags, String error,
                      @JsonRawValue String report) {
    }

    /** The project's policy, or {@link RetentionPolicy#NONE} when it has none. */
    Uni<RetentionPolicy> policy(SqlClient db, String project) {
        return db.preparedQuery("SELECT rules::text, schedule, delete_untagged, untagged_grace_hours FROM retention_policy WHERE project = $1")
                .execute(Tuple.of(project))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return RetentionPolicy.NONE;
                    }
                    Row r = rows.iterator().next();
                    return new RetentionPolicy(rules(r.getString(0)), r.getString(1), r.getBoolean(2), r.getInteger(3));
                });
    }

    /** Stores the policy; the schedule's next run and the next untagged cleanup start from {@code now}. */
    Uni<Void> save(SqlClient db, String project, RetentionPolicy p, Instant nextRun, Instant nextUntagged, String by) {
        return db.preparedQuery("""
                        INSERT INTO retention_policy (project, rules, schedule, next_run_at, delete_untagged, untagged_grace_hours,
                                                      untagged_next_at, updated_by, updated_at)
                        VALUES ($1, $2::text::jsonb, $3, $4, $5, $6, $7, $8, now())
                        ON CONFLICT (project) DO UPDATE SET rules = EXCLUDED.rules, schedule = EXCLUDED.schedule,
                            next_run_at = EXCLUDED.next_run_at, delete_untagged = EXCLUDED.delete_untagged,
                            untagged_grace_hours = EXCLUDED.untagged_grace_hours,
                            untagged_next_at = CASE WHEN retention_policy.delete_untagged AND EXCLUDED.delete_untagged
                                                    THEN retention_policy.untagged_next_at ELSE EXCLUDED.untagged_next_at END,
                            updated_by = EXCLUDED.updated_by, updated_at = now()""")
                .execute(Tuple.from(Arrays.asList(project, write(p.rules()), p.schedule(), utc(nextRun), p.deleteUntagged(),
                        p.untaggedGraceHours(), utc(nextUntagged), by)))
                .replaceWithVoid();
    }

    /** Projects whose scheduled retention is due at {@code now}, with their schedule. */
    Uni<List<String[]>> dueRetention(SqlClient db, Instant now) {
        return db.preparedQuery("SELECT project, schedule FROM retention_policy WHERE schedule IS NOT NULL AND next_run_at <= $1")
                .execute(Tuple.of(utc(now)))
                .map(rows -> {
                    List<String[]> due = new ArrayList<>();
                    rows.forEach(r -> due.add(new String[] {r.getString(0), r.getString(1)}));
                    return due;
                });
    }

    /** Moves the project's next scheduled run to {@code next} unless another instance did so first; true when this call claimed the run. */
    Uni<Boolean> claimRetention(SqlClient db, String project, Instant now, Instant next) {
        return db.preparedQuery("UPDATE retention_policy SET next_run_at = $3 WHERE project = $1 AND next_run_at <= $2")
                .execute(Tuple.from(Arrays.asList(project, utc(now), utc(next)))).map(rows -> rows.rowCount() == 1);
    }

    /** Projects with untagged cleanup on whose cleanup is due at {@code now}. */
    Uni<List<String>> dueUntagged(SqlClient db, Instant now) {
        return db.preparedQuery("SELECT project FROM retention_policy WHERE delete_untagged AND untagged_next_at <= $1")
                .execute(Tuple.of(utc(now)))
                .map(rows -> {
                    List<String> due = new ArrayList<>();
                    rows.forEach(r -> due.add(r.getString(0)));
                    return due;
                });
    }

    Uni<Boolean> claimUntagged(SqlClient db, String project, Instant now, Instant next) {
        return db.preparedQuery("UPDATE retention_policy SET untagged_next_at = $3 WHERE project = $1 AND delete_untagged AND untagged_next_at <= $2")
                .execute(Tuple.from(Arrays.asList(project, utc(now), utc(next)))).map(rows -> rows.rowCount() == 1);
    }

    /** Every project with untagged cleanup on. */
    Uni<List<String>> untaggedProjects(SqlClient db) {
        return db.query("SELECT project FROM retention_policy WHERE delete_untagged ORDER BY project").execute()
                .map(rows -> {
                    List<String> all = new ArrayList<>();
                    rows.forEach(r -> all.add(r.getString(0)));
                    return all;
                });
    }

    /** The project's repositories, by name. */
    Uni<List<String>> repositories(SqlClient db, String project) {
        return db.preparedQuery("SELECT name FROM repository WHERE project = $1 ORDER BY name").execute(Tuple.of(project))
                .map(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(r -> names.add(r.getString(0)));
                    return names;
                });
    }

    /**
     * The repository's manifests as the planner sees them, in push order (ties by insertion). The push
     * time is the later of the manifest's creation and its tags' last move onto it. An untagged
     * manifest's last activity ({@code withActivity} only) is the latest of its push, its last pull and
     * the last tag move or delete that took a tag off it (as far as the event history reaches).
     */
    Uni<List<RetentionPlanner.Artifact>> artifacts(SqlClient db, String repository, boolean withActivity) {
        return db.preparedQuery("""
                        SELECT m.digest, m.subject_digest, m.last_pulled_at, greatest(m.created_at, t.pushed) AS pushed_at,
                               t.names, c.children,
                               CASE WHEN $2 AND t.names IS NULL THEN greatest(m.created_at, m.last_pulled_at,
                                   (SELECT max(e.occurred_at) FROM registry_event e
                                    WHERE e.repository = r.name AND e.type IN ('io.wharf.tag.updated', 'io.wharf.tag.deleted')
                                      AND (e.digest = m.digest OR e.data::jsonb ->> 'previousDigest' = m.digest))) END AS activity
                        FROM repository r
                        JOIN manifest m ON m.repository_id = r.id
                        LEFT JOIN LATERAL (SELECT array_agg(name ORDER BY name) AS names, max(updated_at) AS pushed
                                           FROM tag WHERE manifest_id = m.id) t ON true
                        LEFT JOIN LATERAL (SELECT array_agg(digest ORDER BY digest) AS children
                                           FROM manifest_reference WHERE manifest_id = m.id AND kind = 'manifest') c ON true
                        WHERE r.name = $1
                        ORDER BY pushed_at, m.id""")
                .execute(Tuple.of(repository, withActivity))
                .map(rows -> {
                    List<RetentionPlanner.Artifact> all = new ArrayList<>();
                    for (Row r : rows) {
                        all.add(new RetentionPlanner.Artifact(r.getString(0), strings(r.getArrayOfStrings(4)), instant(r.getOffsetDateTime(3)),
                                instant(r.getOffsetDateTime(2)), instant(r.getOffsetDateTime(6)), r.getString(1), strings(r.getArrayOfStrings(5))));
                    }
                    return all;
                });
    }

    /**
     * Starts a run. A real run of a kind is one at a time per project (a unique index): while one is
     * running another is refused (null); a real run left running for over an hour (its instance died) is
     * marked failed first.
     */
    Uni<Long> start(SqlClient db, String project, String kind, boolean dryRun, String trigger, String actor) {
        return db.preparedQuery("""
                        UPDATE retention_run SET status = 'failed', finished_at = now(), error = 'abandoned: its instance stopped'
                        WHERE project = $1 AND kind = $2 AND status = 'running' AND started_at < now() - interval '1 hour'""")
                .execute(Tuple.of(project, kind))
                .chain(() -> db.preparedQuery("""
                                INSERT INTO retention_run (project, kind, dry_run, trigger, actor, status) VALUES ($1, $2, $3, $4, $5, 'running')
                                ON CONFLICT DO NOTHING RETURNING id""")
                        .execute(Tuple.from(Arrays.asList(project, kind, dryRun, trigger, actor))))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong(0));
    }

    Uni<Void> finish(SqlClient db, long id, String status, int kept, int deleted, int deletedTags, String error, String report) {
        return db.preparedQuery("""
                        UPDATE retention_run SET status = $2, finished_at = now(), kept = $3, deleted = $4, deleted_tags = $5, error = $6,
                                                 report = $7::text::jsonb
                        WHERE id = $1""")
                .execute(Tuple.from(Arrays.asList(id, status, kept, deleted, deletedTags, error, report)))
                .replaceWithVoid();
    }

    /** The project's runs, newest first, without reports. */
    Uni<List<Run>> runs(SqlClient db, String project, int limit) {
        return db.preparedQuery(RUN_COLUMNS.formatted("NULL") + " WHERE project = $1 ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(project, limit))
                .map(rows -> {
                    List<Run> all = new ArrayList<>();
                    rows.forEach(r -> all.add(run(r)));
                    return all;
                });
    }

    /** The run with its report, or null when the project has no such run. */
    Uni<Run> run(SqlClient db, String project, long id) {
        return db.preparedQuery(RUN_COLUMNS.formatted("report::text") + " WHERE project = $1 AND id = $2")
                .execute(Tuple.of(project, id))
                .map(rows -> rows.rowCount() == 0 ? null : run(rows.iterator().next()));
    }

    private static final String RUN_COLUMNS = """
            SELECT id, project, kind, dry_run, trigger, actor, status, started_at, finished_at, kept, deleted, deleted_tags, error, %s
            FROM retention_run""";

    private static Run run(Row r) {
        return new Run(r.getLong(0), r.getString(1), r.getString(2), r.getBoolean(3), r.getString(4), r.getString(5), r.getString(6),
                instant(r.getOffsetDateTime(7)), instant(r.getOffsetDateTime(8)), r.getInteger(9), r.getInteger(10), r.getInteger(11),
                r.getString(12), r.getString(13));
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<RetentionRule> rules(String json) {
        try {
            return JSON.readValue(json, RULES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored retention rules are not readable", e);
        }
    }

    private static List<String> strings(String[] values) {
        return values == null ? List.of() : List.of(values);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
