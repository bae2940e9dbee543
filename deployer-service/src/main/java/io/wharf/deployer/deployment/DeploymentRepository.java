package io.wharf.deployer.deployment;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<Deployment, UUID> {

    /**
     * Inserts an event-triggered deployment unless the rule already has one for the digest (the unique
     * index decides, so concurrent consumers cannot both insert); true when inserted.
     */
    public Uni<Boolean> insertIfNew(Deployment d) {
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO deployment (id, rule_id, trigger, event_id, project, repository, tag, digest, image, state,
                    reason, dry_run, event_time, not_before, created_at, updated_at)
                VALUES (:id, :rule, :trigger, :event, :project, :repository, :tag, :digest, :image, :state,
                    :reason, :dryRun, :eventTime, :notBefore, :created, :created)
                ON CONFLICT (rule_id, digest) WHERE trigger = 'EVENT' AND state NOT IN ('SKIPPED', 'SUPERSEDED', 'REJECTED')
                DO NOTHING""")
                .setParameter("id", d.id)
                .setParameter("rule", d.ruleId)
                .setParameter("trigger", d.trigger.name())
                .setParameter("event", d.eventId)
                .setParameter("project", d.project)
                .setParameter("repository", d.repository)
                .setParameter("tag", d.tag)
                .setParameter("digest", d.digest)
                .setParameter("image", d.image)
                .setParameter("state", d.state.name())
                .setParameter("reason", d.reason)
                .setParameter("dryRun", d.dryRun)
                .setParameter("eventTime", d.eventTime)
                .setParameter("notBefore", d.notBefore)
                .setParameter("created", d.createdAt)
                .executeUpdate()
                .map(inserted -> inserted > 0));
    }

    /** Marks the rule's not yet started automatic deployments other than {@code newest} superseded by it. */
    public Uni<Integer> supersedeOthers(Deployment newest) {
        return update("state = ?1, reason = ?2, finishedAt = ?3, updatedAt = ?3 where ruleId = ?4 and id <> ?5 "
                + "and trigger = ?6 and state in ?7", Deployment.State.SUPERSEDED,
                "superseded by " + newest.digest + (newest.tag == null ? "" : " (" + newest.tag + ")"),
                OffsetDateTime.now(), newest.ruleId, newest.id, Deployment.Trigger.EVENT,
                List.of(Deployment.State.WAITING, Deployment.State.AWAITING_APPROVAL));
    }

    public Uni<Long> applyingCount(UUID ruleId) {
        return count("ruleId = ?1 and state = ?2", ruleId, Deployment.State.APPLYING);
    }

    /** When the rule's latest deployment started applying, or null. */
    public Uni<OffsetDateTime> lastStart(UUID ruleId) {
        return find("select max(startedAt) from Deployment where ruleId = ?1 and dryRun = false", ruleId)
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
