package io.wharf.registry.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.auth.Action;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Secrets;

/**
 * Robot accounts ({@code robot$<project>+<name>}): listed by any role but limited guest, managed by
 * project admins. A robot's secret is made here, stored only as a hash, and returned once. A
 * rotated or deleted robot's secret stops working as soon as the change has committed: the
 * remembered credentials are forgotten then.
 */
@ApplicationScoped
public class RobotService {

    /** A robot with its secret: the only time the secret is known outside the database's hash. */
    public record RobotWithSecret(Identities.Robot robot, String secret) {
    }

    private final CallerAccess access;
    private final Identities identities;
    private final Authenticator authenticator;
    private final Pool pool;
    private final AuditTrail audit;

    public RobotService(CallerAccess access, Identities identities, Authenticator authenticator, Pool pool, AuditTrail audit) {
        this.audit = audit;
        this.access = access;
        this.identities = identities;
        this.authenticator = authenticator;
        this.pool = pool;
    }

    public Uni<List<Identities.Robot>> list(String project) {
        return access.project(project, CallerAccess::reads).chain(p -> identities.robots(p.id()));
    }

    /**
     * Creates a robot with permissions among pull, push, delete, expiring in {@code expiresInDays}
     * or at {@code expiresAt} (neither, or 0 days: never).
     */
    public Uni<RobotWithSecret> create(String project, String name, String description, List<String> permissions, Integer expiresInDays,
            Instant expiresAt) {
        Set<Action> actions = permissions(permissions);
        if (expiresAt != null && (expiresInDays != null || !expiresAt.isAfter(Instant.now()))) {
            throw RequestRefused.invalid("expiresAt must be in the future, and not given with expiresInDays");
        }
        Instant expires = expiresAt != null ? expiresAt
                : expiresInDays == null || expiresInDays == 0 ? null : Instant.now().plus(Duration.ofDays(expiresInDays));
        String secret = Secrets.newToken(Authenticator.ROBOT_SECRET_PREFIX);
        return access.project(project, CallerAccess::manages)
                .chain(p -> audit.byCaller(Actions.ROBOT_CREATED, project).chain(entry -> pool.withTransaction(db -> identities
                        .insertRobot(db, p.id(), name, description, actions, expires, Secrets.sha256(secret))
                        .call(robot -> robot == null ? Uni.createFrom().voidItem() : audit.record(db, entry.subject(robot.fullName())
                                .summary("permissions", String.join(",", permissions)).summary("expiresAt", expires)))
                        .map(robot -> {
                            if (robot == null) {
                                throw RequestRefused.conflict("robot " + name + " exists in " + project);
                            }
                            return new RobotWithSecret(robot, secret);
                        }))));
    }

    /** Replaces a robot's secret; the old one stops working once the new one is stored. */
    public Uni<RobotWithSecret> refreshSecret(String project, String robot) {
        String secret = Secrets.newToken(Authenticator.ROBOT_SECRET_PREFIX);
        return access.project(project, CallerAccess::manages)
                .chain(() -> audit.byCaller(Actions.ROBOT_SECRET_ROTATED, project)).chain(entry -> pool.withTransaction(db -> existing(db, project, robot)
                        .call(r -> identities.setRobotSecret(db, r.id(), Secrets.sha256(secret)))
                        .call(r -> audit.record(db, entry.subject(r.fullName())))))
                .invoke(authenticator::forgetAll)
                .map(r -> new RobotWithSecret(r, secret));
    }

    public Uni<Void> delete(String project, String robot) {
        return access.project(project, CallerAccess::manages)
                .chain(() -> audit.byCaller(Actions.ROBOT_DELETED, project)).chain(entry -> pool.withTransaction(db -> existing(db, project, robot)
                        .call(r -> identities.deleteRobot(db, r.id()))
                        .call(r -> audit.record(db, entry.subject(r.fullName())))))
                .invoke(authenticator::forgetAll)
                .replaceWithVoid();
    }

    private Uni<Identities.Robot> existing(SqlClient db, String project, String robot) {
        return identities.robot(db, project, robot).map(r -> {
            if (r == null) {
                throw RequestRefused.notFound("robot " + robot);
            }
            return r;
        });
    }

    private static Set<Action> permissions(List<String> words) {
        if (words == null || words.isEmpty()) {
            throw RequestRefused.invalid("permissions must name at least one of pull, push, delete");
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String w : words) {
            Set<Action> one = Action.parseList(w);
            if (one.isEmpty() || "*".equals(w)) {
                throw RequestRefused.invalid("unknown permission '" + w + "': use pull, push, delete");
            }
            actions.addAll(one);
        }
        return actions;
    }
}
