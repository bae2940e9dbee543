package io.wharf.deployer.deployment;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<Deployment, UUID> {

    /**
     * The rules' event-triggered deployments that count for the unique index on (rule, digest) and either
     * have one of {@code digests} or have not started, and those skipped with one of {@code digests}: what
     * planning a batch must know (see {@link BatchPlan}).
     */
    Uni<List<BatchPlan.Existing>> existingFor(Collection<UUID> ruleIds, Collection<String> digests) {
        return getSession().chain(session -> session.createNativeQuery("""
                SELECT CAST(id AS TEXT), CAST(rule_id AS TEXT), digest, state FROM deployment
                WHERE rule_id = ANY(CAST(CAST(:rules AS TEXT[]) AS UUID[])) AND trigger = 'EVENT'
                  AND state NOT IN ('SUPERSEDED', 'REJECTED')
                  AND (digest = ANY(CAST(:digests AS TEXT[])) OR state IN ('WAITING', 'AWAITING_APPROVAL'))""", Object[].class)
                .setParameter("rules", ruleIds.stream().map(UUID::toString).toArray(String[]::new))
                .setParameter("digests", digests.toArray(String[]::new))
                .getResultList()
                .map(rows -> rows.stream().map(row -> new BatchPlan.Existing(UUID.fromString((String) row[0]),
                        UUID.fromString((String) row[1]), (String) row[2], Deployment.State.valueOf((String) row[3]))).toList()));
    }

    /**
     * Marks existing deployments superseded, each with its reason, unless they started meanwhile; one statement.
     * Returns those it marked, with what their {@code deployment.superseded} event says (not managed entities).
     */
    Uni<List<Deployment>> supersede(List<BatchPlan.Superseded> superseded) {
        if (superseded.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session.createNativeQuery("""
                UPDATE deployment d SET state = 'SUPERSEDED', reason = s.reason, finished_at = now(), updated_at = now()
                FROM unnest(CAST(CAST(:ids AS TEXT[]) AS UUID[]), CAST(:reasons AS TEXT[])) AS s(id, reason)
                WHERE d.id = s.id AND d.state IN ('WAITING', 'AWAITING_APPROVAL')
                RETURNING CAST(d.id AS TEXT), CAST(d.rule_id AS TEXT), d.event_id, d.repository, d.tag, d.digest, d.image,
                    d.reason, d.dry_run""", Object[].class)
                .setParameter("ids", superseded.stream().map(s -> s.id().toString()).toArray(String[]::new))
                .setParameter("reasons", superseded.stream().map(BatchPlan.Superseded::reason).toArray(String[]::new))
                .getResultList()
                .map(rows -> rows.stream().map(row -> {
                    Deployment d = new Deployment();
                    d.id = UUID.fromString((String) row[0]);
                    d.ruleId = UUID.fromString((String) row[1]);
                    d.trigger = Deployment.Trigger.EVENT;
                    d.eventId = (String) row[2];
                    d.repository = (String) row[3];
                    d.tag = (String) row[4];
                    d.digest = (String) row[5];
                    d.image = (String) row[6];
                    d.state = Deployment.State.SUPERSEDED;
                    d.reason = (String) row[7];
                    d.dryRun = (Boolean) row[8];
                    return d;
                }).toList()));
    }

    /**
     * Inserts a batch's event-triggered deployments in one statement; one that would count while the rule
     * already has a deployment of the digest that counts is left out (the unique index decides, so
     * concurrent planners cannot both insert). Returns the ids inserted. Columns go as text arrays, cast in
     * SQL: the client's array binding knows no timestamps.
     */
    Uni<Set<UUID>> insertAll(List<Deployment> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO deployment (id, rule_id, trigger, event_id, project, repository, tag, digest, image, state,
                    reason, dry_run, event_time, not_before, created_at, finished_at, updated_at, approvals_required, pushed_by)
                SELECT CAST(r.id AS UUID), CAST(r.rule AS UUID), 'EVENT', r.event, r.project, r.repository, r.tag, r.digest,
                    r.image, r.state, r.reason, CAST(r.dry_run AS BOOLEAN), CAST(r.event_time AS TIMESTAMPTZ),
                    CAST(r.not_before AS TIMESTAMPTZ), CAST(r.created AS TIMESTAMPTZ), CAST(r.finished AS TIMESTAMPTZ),
                    CAST(r.updated AS TIMESTAMPTZ), CAST(r.approvals AS INTEGER), r.pushed_by
                FROM unnest(CAST(:ids AS TEXT[]), CAST(:rules AS TEXT[]), CAST(:events AS TEXT[]), CAST(:projects AS TEXT[]),
                    CAST(:repositories AS TEXT[]), CAST(:tags AS TEXT[]), CAST(:digests AS TEXT[]), CAST(:images AS TEXT[]),
                    CAST(:states AS TEXT[]), CAST(:reasons AS TEXT[]), CAST(:dryRuns AS TEXT[]), CAST(:eventTimes AS TEXT[]),
                    CAST(:notBefores AS TEXT[]), CAST(:created AS TEXT[]), CAST(:finished AS TEXT[]), CAST(:updated AS TEXT[]),
                    CAST(:approvals AS TEXT[]), CAST(:pushedBy AS TEXT[]))
                    AS r(id, rule, event, project, repository, tag, digest, image, state, reason, dry_run, event_time,
                         not_before, created, finished, updated, approvals, pushed_by)
                ON CONFLICT (rule_id, digest) WHERE trigger = 'EVENT' AND state NOT IN ('SKIPPED', 'SUPERSEDED', 'REJECTED')
                DO NOTHING
                RETURNING CAST(id AS TEXT)""", String.class)
                .setParameter("ids", column(rows, d -> d.id))
                .setParameter("rules", column(rows, d -> d.ruleId))
                .setParameter("events", column(rows, d -> d.eventId))
                .setParameter("projects", column(rows, d -> d.project))
                .setParameter("repositories", column(rows, d -> d.repository))
                .setParameter("tags", column(rows, d -> d.tag))
                .setParameter("digests", column(rows, d -> d.digest))
                .setParameter("images", column(rows, d -> d.image))
                .setParameter("states", column(rows, d -> d.state))
                .setParameter("reasons", column(rows, d -> d.reason))
                .setParameter("dryRuns", column(rows, d -> d.dryRun))
                .setParameter("eventTimes", column(rows, d -> d.eventTime))
                .setParameter("notBefores", column(rows, d -> d.notBefore))
                .setParameter("created", column(rows, d -> d.createdAt))
                .setParameter("finished", column(rows, d -> d.finishedAt))
                .setParameter("updated", column(rows, d -> d.updatedAt))
                .setParameter("approvals", column(rows, d -> d.approvalsRequired))
                .setParameter("pushedBy", column(rows, d -> d.pushedBy))
                .getResultList()
                .map(ids -> ids.stream().map(UUID::fromString).collect(Collectors.toSet())));
    }

    /** One column of {@code rows} as text (null stays null), for an array parameter. */
    private static String[] column(List<Deployment> rows, Function<Deployment, Object> value) {
        return rows.stream().map(value).map(v -> v == null ? null : v.toString()).toArray(String[]::new);
    }

    public Uni<Long> applyingCount(UUID ruleId) {
        return count("ruleId = ?1 and state = ?2", ruleId, Deployment.State.APPLYING);
    }

    /**
     * When the rule's latest deployment of the same kind started applying (live, or {@code dryRun}: a dry run
     * keeps the minimum interval between its own plans as the live rule keeps it between its changes), or null.
     */
    public Uni<OffsetDateTime> lastStart(UUID ruleId, boolean dryRun) {
        return find("select max(startedAt) from Deployment where ruleId = ?1 and dryRun = ?2", ruleId, dryRun)
                .project(OffsetDateTime.class).firstResult();
    }

    /** Waiting deployments due by {@code now}, oldest first. */
    public Uni<List<Deployment>> due(OffsetDateTime now) {
        return find("state = ?1 and notBefore <= ?2 order by notBefore", Deployment.State.WAITING, now).page(0, 100).list();
    }

    public Uni<List<Deployment>> waitingOf(UUID ruleId) {
        return list("ruleId = ?1 and state = ?2 order by notBefore", ruleId, Deployment.State.WAITING);
    }

    /** The rule's last successful deployment of {@code digest} (what a manual rollback restores), or null. */
    public Uni<Deployment> lastSucceeded(UUID ruleId, String digest) {
        return find("ruleId = ?1 and digest = ?2 and state = ?3 order by finishedAt desc", ruleId, digest,
                Deployment.State.SUCCEEDED).firstResult();
    }

    /** The rule's last successful deployment other than {@code except}, or null. */
    public Uni<Deployment> lastSucceededBefore(UUID ruleId, UUID except) {
        return find("ruleId = ?1 and id <> ?2 and state = ?3 and dryRun = false order by finishedAt desc", ruleId, except,
                Deployment.State.SUCCEEDED).firstResult();
    }

    /** A page of history, newest first; filters may be null. */
    public Uni<List<Deployment>> history(Filter filter, int limit) {
        StringBuilder q = new StringBuilder("1 = 1");
        Parameters p = new Parameters();
        narrow(q, p, "project in :projects", "projects", filter.projects());
        narrow(q, p, "ruleId = :rule", "rule", filter.ruleId());
        narrow(q, p, "repository = :repository", "repository", filter.repository());
        narrow(q, p, "state = :state", "state", filter.state());
        if (filter.afterCreatedAt() != null) {
            q.append(" and (createdAt < :cursorAt or createdAt = :cursorAt and id < :cursorId)");
            p.and("cursorAt", filter.afterCreatedAt()).and("cursorId", filter.afterId());
        }
        q.append(" order by createdAt desc, id desc");
        return find(q.toString(), p).page(0, limit).list();
    }

    /** Adds {@code clause} with its parameter unless the filter value is null. */
    private static void narrow(StringBuilder query, Parameters parameters, String clause, String name, Object value) {
        if (value != null) {
            query.append(" and ").append(clause);
            parameters.and(name, value);
        }
    }

    /** History filters; {@code projects} null means every project. */
    public record Filter(java.util.Collection<String> projects, UUID ruleId, String repository, Deployment.State state,
            OffsetDateTime afterCreatedAt, UUID afterId) {
    }

    public Uni<List<String>> approvers(UUID deploymentId) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT approver FROM deployment_approval WHERE deployment_id = :id ORDER BY approved_at, approver", String.class)
                .setParameter("id", deploymentId).getResultList());
    }

    /** Records an approval; false when this user approved before. */
    public Uni<Boolean> approve(UUID deploymentId, String approver) {
        return getSession().chain(session -> session.createNativeQuery(
                "INSERT INTO deployment_approval (deployment_id, approver) VALUES (:id, :who) ON CONFLICT DO NOTHING")
                .setParameter("id", deploymentId).setParameter("who", approver).executeUpdate()
                .map(inserted -> inserted > 0));
    }
}
