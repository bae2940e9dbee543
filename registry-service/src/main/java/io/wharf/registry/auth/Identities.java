package io.wharf.registry.auth;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Accounts, projects, memberships, robots and access tokens in PostgreSQL (plain SQL on the reactive
 * pool). Reads run on the pool; every write takes the {@link SqlClient} it runs on, so the service
 * that owns the change decides the transaction (the pool itself is not handed out).
 */
@ApplicationScoped
public class Identities {

    /** An account row. */
    public record Account(long id, String username, String email, String passwordHash, boolean systemAdmin, int tokenVersion, Instant createdAt) {
    }

    /** A project row. */
    public record Project(long id, String name, boolean isPublic, boolean verifiedPublisher, Instant createdAt) {
    }

    /** A robot row (never with its secret). */
    public record Robot(long id, String project, String name, String description, Set<Action> permissions, Instant expiresAt,
            boolean disabled, Instant createdAt) {

        public String fullName() {
            return RobotNames.of(project, name);
        }

        public boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** A personal access token row (never with its secret). */
    public record PersonalToken(long id, long accountId, String name, Instant expiresAt, Instant createdAt, Set<TokenScope> scopes) {

        public boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** A member of a project. */
    public record Member(String username, Role role) {
    }

    private final Pool pool;

    public Identities(Pool pool) {
        this.pool = pool;
    }

    // ---- accounts

    public Uni<Account> account(String username) {
        return account(pool, username);
    }

    public Uni<Account> account(SqlClient db, String username) {
        return one(db, "select * from account where username = $1", Tuple.of(username)).map(r -> r == null ? null : account(r));
    }

    public Uni<List<Account>> accounts() {
        return pool.preparedQuery("select * from account order by username").execute().map(rows -> map(rows, Identities::account));
    }

    public Uni<Account> insertAccount(SqlClient db, String username, String email, String passwordHash, boolean admin) {
        return one(db, "insert into account (username, email, password_hash, system_admin) values ($1, $2, $3, $4) returning *",
                Tuple.of(username, email, passwordHash, admin)).map(Identities::account);
    }

    public Uni<Boolean> setPassword(SqlClient db, String username, String passwordHash) {
        return db.preparedQuery("update account set password_hash = $2, token_version = token_version + 1 where username = $1")
                .execute(Tuple.of(username, passwordHash)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> deleteAccount(SqlClient db, String username) {
        return db.preparedQuery("delete from account where username = $1").execute(Tuple.of(username)).map(rows -> rows.rowCount() == 1);
    }

    // ---- projects

    public Uni<Project> project(String name) {
        return one(pool, "select * from project where name = $1", Tuple.of(name)).map(r -> r == null ? null : project(r));
    }

    public Uni<List<Project>> projects() {
        return pool.preparedQuery("select * from project order by name").execute().map(rows -> map(rows, Identities::project));
    }

    /** Inserts a new project; null when the name is taken. */
    public Uni<Project> insertProject(SqlClient db, String name, boolean isPublic) {
        return one(db, "insert into project (name, public) values ($1, $2) on conflict (name) do nothing returning *", Tuple.of(name, isPublic))
                .map(r -> r == null ? null : project(r));
    }

    public Uni<Boolean> updateProject(SqlClient db, String name, Boolean isPublic, Boolean verifiedPublisher) {
        return db.preparedQuery("update project set public = coalesce($2, public), verified_publisher = coalesce($3, verified_publisher) where name = $1")
                .execute(Tuple.of(name, isPublic, verifiedPublisher)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> deleteProject(SqlClient db, String name) {
        return db.preparedQuery("delete from project where name = $1").execute(Tuple.of(name)).map(rows -> rows.rowCount() == 1);
    }

    /** Whether any repository of the project holds content. */
    public Uni<Boolean> projectHasRepositories(SqlClient db, String name) {
        return one(db, "select exists (select 1 from repository where name like $1) as e", Tuple.of(likePrefix(name) + "/%"))
                .map(r -> r.getBoolean("e"));
    }

    // ---- members

    public Uni<Role> role(long projectId, long accountId) {
        return one(pool, "select role from project_member where project_id = $1 and account_id = $2", Tuple.of(projectId, accountId))
                .map(r -> r == null ? null : Role.fromWire(r.getString("role")));
    }

    /** Every project the account is a member of, with its role there. */
    public Uni<Map<String, Role>> roles(long accountId) {
        return pool.preparedQuery("select p.name, m.role from project_member m join project p on p.id = m.project_id where m.account_id = $1")
                .execute(Tuple.of(accountId)).map(rows -> {
                    Map<String, Role> roles = new LinkedHashMap<>();
                    for (Row r : rows) {
                        roles.put(r.getString("name"), Role.fromWire(r.getString("role")));
                    }
                    return roles;
                });
    }

    public Uni<List<Member>> members(long projectId) {
        return pool.preparedQuery("select a.username, m.role from project_member m join account a on a.id = m.account_id where m.project_id = $1 order by a.username")
                .execute(Tuple.of(projectId)).map(rows -> map(rows, r -> new Member(r.getString("username"), Role.fromWire(r.getString("role")))));
    }

    public Uni<Void> putMember(SqlClient db, long projectId, long accountId, Role role) {
        return db.preparedQuery("insert into project_member (project_id, account_id, role) values ($1, $2, $3) "
                + "on conflict (project_id, account_id) do update set role = excluded.role")
                .execute(Tuple.of(projectId, accountId, role.wireName())).replaceWithVoid();
    }

    public Uni<Boolean> removeMember(SqlClient db, long projectId, long accountId) {
        return db.preparedQuery("delete from project_member where project_id = $1 and account_id = $2")
                .execute(Tuple.of(projectId, accountId)).map(rows -> rows.rowCount() == 1);
    }

    /** Public projects and those named, by name. */
    public Uni<List<Project>> publicOr(Set<String> names) {
        return pool.preparedQuery("select * from project where public or name = any($1) order by name")
                .execute(Tuple.of(names.toArray(String[]::new))).map(rows -> map(rows, Identities::project));
    }

    /** Names of public projects. */
    public Uni<List<String>> publicProjects() {
        return pool.preparedQuery("select name from project where public order by name").execute().map(rows -> map(rows, r -> r.getString("name")));
    }

    // ---- robots

    public Uni<Robot> robot(String project, String name) {
        return robot(pool, project, name);
    }

    public Uni<Robot> robot(SqlClient db, String project, String name) {
        return one(db, "select r.*, p.name as project from robot r join project p on p.id = r.project_id where p.name = $1 and r.name = $2",
                Tuple.of(project, name)).map(r -> r == null ? null : robot(r));
    }

    public Uni<String> robotSecretHash(long robotId) {
        return one(pool, "select secret_hash from robot where id = $1", Tuple.of(robotId)).map(r -> r == null ? null : r.getString("secret_hash"));
    }

    public Uni<List<Robot>> robots(long projectId) {
        return pool.preparedQuery("select r.*, p.name as project from robot r join project p on p.id = r.project_id where r.project_id = $1 order by r.name")
                .execute(Tuple.of(projectId)).map(rows -> map(rows, Identities::robot));
    }

    /** Inserts a robot; null when the name is taken in the project. */
    public Uni<Robot> insertRobot(SqlClient db, long projectId, String name, String description, Set<Action> permissions, Instant expiresAt,
            String secretHash) {
        return one(db, "insert into robot (project_id, name, description, secret_hash, permissions, expires_at) values ($1, $2, $3, $4, $5, $6) "
                + "on conflict (project_id, name) do nothing returning id",
                Tuple.of(projectId, name, description == null ? "" : description, secretHash, Action.join(permissions), ts(expiresAt)))
                .chain(r -> r == null ? Uni.createFrom().nullItem()
                        : one(db, "select r.*, p.name as project from robot r join project p on p.id = r.project_id where r.id = $1",
                                Tuple.of(r.getLong("id"))).map(Identities::robot));
    }

    public Uni<Boolean> setRobotSecret(SqlClient db, long robotId, String secretHash) {
        return db.preparedQuery("update robot set secret_hash = $2 where id = $1").execute(Tuple.of(robotId, secretHash)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> setRobotDisabled(SqlClient db, long robotId, boolean disabled) {
        return db.preparedQuery("update robot set disabled = $2 where id = $1").execute(Tuple.of(robotId, disabled)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> deleteRobot(SqlClient db, long robotId) {
        return db.preparedQuery("delete from robot where id = $1").execute(Tuple.of(robotId)).map(rows -> rows.rowCount() == 1);
    }

    // ---- personal access tokens

    /** The account a personal access token belongs to, when it exists and has not expired. */
    public Uni<PersonalToken> personalToken(String secretHash) {
        return one(pool, "select * from access_token where secret_hash = $1", Tuple.of(secretHash)).map(r -> r == null ? null : token(r));
    }

    /** A personal access token by id (what a refresh or API token made with it names), or null. */
    public Uni<PersonalToken> personalTokenById(long id) {
        return one(pool, "select * from access_token where id = $1", Tuple.of(id)).map(r -> r == null ? null : token(r));
    }

    public Uni<List<PersonalToken>> personalTokens(long accountId) {
        return pool.preparedQuery("select * from access_token where account_id = $1 order by name").execute(Tuple.of(accountId))
                .map(rows -> map(rows, Identities::token));
    }

    public Uni<PersonalToken> insertPersonalToken(SqlClient db, long accountId, String name, Instant expiresAt, String secretHash,
            Set<TokenScope> scopes) {
        return one(db, "insert into access_token (account_id, name, secret_hash, expires_at, scopes) values ($1, $2, $3, $4, $5) "
                + "on conflict (account_id, name) do nothing returning *", Tuple.of(accountId, name, secretHash, ts(expiresAt), TokenScope.join(scopes)))
                .map(r -> r == null ? null : token(r));
    }

    public Uni<Boolean> deletePersonalToken(SqlClient db, long accountId, String name) {
        return db.preparedQuery("delete from access_token where account_id = $1 and name = $2").execute(Tuple.of(accountId, name))
                .map(rows -> rows.rowCount() == 1);
    }

    // ---- rows

    static Uni<Row> one(SqlClient db, String sql, Tuple args) {
        return db.preparedQuery(sql).execute(args).map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
    }

    private static <T> List<T> map(RowSet<Row> rows, java.util.function.Function<Row, T> f) {
        List<T> out = new ArrayList<>(rows.rowCount());
        for (Row r : rows) {
            out.add(f.apply(r));
        }
        return out;
    }

    private static Account account(Row r) {
        return new Account(r.getLong("id"), r.getString("username"), r.getString("email"), r.getString("password_hash"),
                r.getBoolean("system_admin"), r.getInteger("token_version"), instant(r, "created_at"));
    }

    private static Project project(Row r) {
        return new Project(r.getLong("id"), r.getString("name"), r.getBoolean("public"), r.getBoolean("verified_publisher"), instant(r, "created_at"));
    }

    private static Robot robot(Row r) {
        return new Robot(r.getLong("id"), r.getString("project"), r.getString("name"), r.getString("description"),
                Action.parseList(r.getString("permissions")), instant(r, "expires_at"), r.getBoolean("disabled"), instant(r, "created_at"));
    }

    private static PersonalToken token(Row r) {
        return new PersonalToken(r.getLong("id"), r.getLong("account_id"), r.getString("name"), instant(r, "expires_at"), instant(r, "created_at"),
                TokenScope.parse(r.getString("scopes")));
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static String likePrefix(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
