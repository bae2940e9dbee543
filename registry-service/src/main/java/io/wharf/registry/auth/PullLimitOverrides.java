package io.wharf.registry.auth;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Pull limits an administrator set for one account, or for the robots of one project, in place of
 * the configured ones (table {@code pull_limit_override}); {@link PullLimiter} reads them all every
 * sync interval, so a change reaches every instance within a second.
 */
@ApplicationScoped
public class PullLimitOverrides {

    /** Limits in place of the configured ones; a null limit is unlimited. */
    public record Override(Integer perWindow, Integer perDay) {
    }

    private final Pool pool;

    public PullLimitOverrides(Pool pool) {
        this.pool = pool;
    }

    /** Every override, keyed {@code user:<username>} or {@code project:<name>}. */
    Uni<Map<String, Override>> all() {
        return pool.preparedQuery("""
                        select coalesce('user:' || a.username, 'project:' || p.name) as subject, o.per_window, o.per_day
                        from pull_limit_override o left join account a on a.id = o.account_id left join project p on p.id = o.project_id""")
                .execute().map(rows -> {
                    Map<String, Override> all = new HashMap<>();
                    for (Row r : rows) {
                        all.put(r.getString("subject"), new Override(r.getInteger("per_window"), r.getInteger("per_day")));
                    }
                    return all;
                });
    }

    /** Sets an account's limits; false when there is no such account. */
    public Uni<Boolean> setForAccount(String username, Override limits, String setBy) {
        return set(Owner.ACCOUNT, username, limits, setBy);
    }

    /** Sets the limit of a project's robots; false when there is no such project. */
    public Uni<Boolean> setForProject(String project, Override limits, String setBy) {
        return set(Owner.PROJECT, project, limits, setBy);
    }

    /** Back to the configured limits. */
    public Uni<Void> clearForAccount(String username) {
        return clear(Owner.ACCOUNT, username);
    }

    /** Back to the configured limit. */
    public Uni<Void> clearForProject(String project) {
        return clear(Owner.PROJECT, project);
    }

    /** Whose limits a row holds: its column and the table and column that name the owner (constants, never input). */
    private enum Owner {
        ACCOUNT("account_id", "account", "username"),
        PROJECT("project_id", "project", "name");

        final String column;
        final String table;
        final String nameColumn;

        Owner(String column, String table, String nameColumn) {
            this.column = column;
            this.table = table;
            this.nameColumn = nameColumn;
        }
    }

    private Uni<Boolean> set(Owner owner, String name, Override limits, String setBy) {
        return pool.preparedQuery("insert into pull_limit_override (" + owner.column + ", per_window, per_day, set_by) "
                        + "select id, $2, $3, $4 from " + owner.table + " where " + owner.nameColumn + " = $1 "
                        + "on conflict (" + owner.column + ") do update set per_window = excluded.per_window, per_day = excluded.per_day, "
                        + "set_by = excluded.set_by, set_at = now()")
                .execute(Tuple.of(name, limits.perWindow(), limits.perDay(), setBy)).map(rows -> rows.rowCount() == 1);
    }

    private Uni<Void> clear(Owner owner, String name) {
        return pool.preparedQuery("delete from pull_limit_override where " + owner.column + " = (select id from " + owner.table
                        + " where " + owner.nameColumn + " = $1)")
                .execute(Tuple.of(name)).replaceWithVoid();
    }
}
