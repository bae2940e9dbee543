package io.wharf.registry.retention;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.events.AuditEventData;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.identity.AuditTrail;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.identity.RequestRefused;

/**
 * A project's retention as the management API offers it. Members (any role but limited guest) and
 * system administrators read the policy and the runs; project administrators and system
 * administrators change the policy and start runs. A policy change is audited in its transaction.
 */
@ApplicationScoped
public class RetentionService {

    /** The audit action of a policy change (to move to AuditEventData.Actions with the event contract). */
    public static final String POLICY_CHANGED = AuditEventData.Actions.RETENTION_POLICY_CHANGED;

    private final CallerAccess access;
    private final AuditTrail audit;
    private final Pool pool;
    private final RetentionStore store;
    private final RetentionRunner runner;
    private final RetentionConfig config;

    public RetentionService(CallerAccess access, AuditTrail audit, Pool pool, RetentionStore store, RetentionRunner runner,
                            RetentionConfig config) {
        this.access = access;
        this.audit = audit;
        this.pool = pool;
        this.store = store;
        this.runner = runner;
        this.config = config;
    }

    public Uni<RetentionPolicy> policy(String project) {
        return access.project(project, CallerAccess::reads).chain(p -> store.policy(pool, project));
    }

    /**
     * Replaces the project's policy; what is sent is checked ({@link RetentionPolicy#validated}) once the
     * caller is known to manage the project.
     */
    public Uni<RetentionPolicy> setPolicy(String project, List<RetentionRule> rules, String schedule, Boolean deleteUntagged,
                                          Integer untaggedGraceHours) {
        Principal by = access.signedIn();
        return access.project(project, CallerAccess::manages).chain(p -> {
            RetentionPolicy policy = RetentionPolicy.validated(rules, schedule, deleteUntagged, untaggedGraceHours);
            Instant now = Instant.now();
            Instant nextRun = policy.schedule() == null ? null : Schedules.next(policy.schedule(), now);
            Instant nextUntagged = policy.deleteUntagged() ? now.plus(config.untaggedInterval()) : null;
            return audit.by(by, POLICY_CHANGED, project)
                    .chain(entry -> pool.withTransaction(db -> store.save(db, project, policy, nextRun, nextUntagged, by.name())
                            .chain(() -> audit.record(db, entry.subject(project).summary("rules", policy.rules().size())
                                    .summary("schedule", policy.schedule()).summary("deleteUntagged", policy.deleteUntagged())
                                    .summary("untaggedGraceHours", policy.untaggedGraceHours())))))
                    .replaceWith(policy);
        });
    }

    /**
     * Gives a project it is creating its first policy, in the transaction {@code db} that creates it (a proxy
     * project starts with one); the schedule's first run is the next one from now.
     */
    public Uni<Void> initial(SqlClient db, String project, RetentionPolicy policy, String by) {
        Instant nextRun = policy.schedule() == null ? null : Schedules.next(policy.schedule(), Instant.now());
        return store.save(db, project, policy, nextRun, null, by);
    }

    /** Runs retention ({@code kind} null or retention) or untagged cleanup now, as the caller. */
    public Uni<RetentionStore.Run> run(String project, String kind, boolean dryRun) {
        String k = kind == null ? RetentionRunner.RETENTION : kind;
        if (!k.equals(RetentionRunner.RETENTION) && !k.equals(RetentionRunner.UNTAGGED)) {
            throw RequestRefused.invalid("kind must be retention or untagged");
        }
        Principal by = access.signedIn();
        return access.project(project, CallerAccess::manages)
                .chain(p -> runner.run(project, k, dryRun, RetentionRunner.Trigger.MANUAL, by))
                .chain(outcome -> store.run(pool, project, outcome.id()));
    }

    public Uni<List<RetentionStore.Run>> runs(String project, int limit) {
        return access.project(project, CallerAccess::reads).chain(p -> store.runs(pool, project, limit));
    }

    public Uni<RetentionStore.Run> run(String project, long id) {
        return access.project(project, CallerAccess::reads).chain(p -> store.run(pool, project, id)).map(run -> {
            if (run == null) {
                throw RequestRefused.notFound("retention run " + id + " of project " + project);
            }
            return run;
        });
    }
}
