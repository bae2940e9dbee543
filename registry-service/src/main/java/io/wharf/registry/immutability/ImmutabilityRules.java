package io.wharf.registry.immutability;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code immutability_rule} table. */
@ApplicationScoped
public class ImmutabilityRules {

    private static final Logger LOG = Logger.getLogger(ImmutabilityRules.class);

    private static final String COLUMNS = """
            r.id, p.name as project, r.description, r.enabled, r.repository_patterns, r.repositories_excluded, r.tag_patterns,
            r.tags_excluded, r.tag_pattern_syntax, r.include_signature_tags, r.created_by, r.created_at, r.updated_at""";

    /** What a rule says, as a request sets it (patterns already checked by {@link ImmutabilityRule#compile}). */
    public record Content(String description, boolean enabled, ImmutabilityRule.Compiled patterns, boolean repositoriesExcluded,
            boolean tagsExcluded, boolean includeSignatureTags) {
    }

    private final Pool pool;

    public ImmutabilityRules(Pool pool) {
        this.pool = pool;
    }

    /** The rules of the project, in id order (all of them, or the enabled ones only). */
    public Uni<List<ImmutabilityRule>> of(String project, boolean enabledOnly) {
        return pool.preparedQuery("select " + COLUMNS + " from immutability_rule r join project p on p.id = r.project_id "
                        + "where p.name = $1" + (enabledOnly ? " and r.enabled" : "") + " order by r.id")
                .execute(Tuple.of(project)).map(ImmutabilityRules::rules);
    }

    /** The rule, when it belongs to the project; else null. */
    public Uni<ImmutabilityRule> find(SqlClient db, long projectId, long id) {
        return db.preparedQuery("select " + COLUMNS + " from immutability_rule r join project p on p.id = r.project_id "
                        + "where r.id = $1 and r.project_id = $2 for update of r")
                .execute(Tuple.of(id, projectId)).map(rows -> first(rules(rows)));
    }

    public Uni<ImmutabilityRule> insert(SqlClient db, long projectId, Content c, String createdBy) {
        return db.preparedQuery("""
                        with r as (insert into immutability_rule (project_id, description, enabled, repository_patterns,
                            repositories_excluded, tag_patterns, tags_excluded, tag_pattern_syntax, include_signature_tags, created_by)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *)
                        select\s""" + COLUMNS + " from r join project p on p.id = r.project_id")
                .execute(Tuple.from(Arrays.asList(projectId, c.description(), c.enabled(), c.patterns().repositories().toArray(String[]::new),
                        c.repositoriesExcluded(), c.patterns().tags().toArray(String[]::new), c.tagsExcluded(), c.patterns().syntax(),
                        c.includeSignatureTags(), createdBy)))
                .map(rows -> first(rules(rows)));
    }

    /** Replaces what the rule says; null when the project has no such rule. */
    public Uni<ImmutabilityRule> update(SqlClient db, long projectId, long id, Content c) {
        return db.preparedQuery("""
                        with r as (update immutability_rule set description = $3, enabled = $4, repository_patterns = $5,
                            repositories_excluded = $6, tag_patterns = $7, tags_excluded = $8, tag_pattern_syntax = $9,
                            include_signature_tags = $10, updated_at = now()
                        where id = $1 and project_id = $2 returning *)
                        select\s""" + COLUMNS + " from r join project p on p.id = r.project_id")
                .execute(Tuple.from(Arrays.asList(id, projectId, c.description(), c.enabled(), c.patterns().repositories().toArray(String[]::new),
                        c.repositoriesExcluded(), c.patterns().tags().toArray(String[]::new), c.tagsExcluded(), c.patterns().syntax(),
                        c.includeSignatureTags())))
                .map(rows -> first(rules(rows)));
    }

    /** Deletes the rule; false when the project has no such rule. */
    public Uni<Boolean> delete(SqlClient db, long projectId, long id) {
        return db.preparedQuery("delete from immutability_rule where id = $1 and project_id = $2")
                .execute(Tuple.of(id, projectId)).map(rows -> rows.rowCount() == 1);
    }

    private static ImmutabilityRule first(List<ImmutabilityRule> rules) {
        return rules.isEmpty() ? null : rules.get(0);
    }

    private static List<ImmutabilityRule> rules(RowSet<Row> rows) {
        List<ImmutabilityRule> rules = new ArrayList<>();
        for (Row r : rows) {
            ImmutabilityRule rule = rule(r);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    /** The rule of a row; null (logged) for a stored pattern the grammar refuses, which only a hand-edited row can hold. */
    private static ImmutabilityRule rule(Row r) {
        String project = r.getString("project");
        ImmutabilityRule.Compiled compiled;
        try {
            compiled = ImmutabilityRule.compile(project, List.of(r.getArrayOfStrings("repository_patterns")),
                    List.of(r.getArrayOfStrings("tag_patterns")), r.getString("tag_pattern_syntax"));
        } catch (IllegalArgumentException e) {
            LOG.errorf("immutability rule %d of %s is ignored: %s", r.getLong("id"), project, e.getMessage());
            return null;
        }
        return new ImmutabilityRule(r.getLong("id"), project, r.getString("description"), r.getBoolean("enabled"),
                compiled.repositories(), r.getBoolean("repositories_excluded"), compiled.tags(), r.getBoolean("tags_excluded"),
                compiled.syntax(), r.getBoolean("include_signature_tags"), r.getString("created_by"),
                r.getOffsetDateTime("created_at").toInstant(), instant(r.getOffsetDateTime("updated_at")), compiled.matcher());
    }

    private static java.time.Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
