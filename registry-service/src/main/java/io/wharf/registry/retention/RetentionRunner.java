package io.wharf.registry.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.events.AuditEventData;
import io.wharf.events.RegistryEventData;
import io.wharf.registry.audit.AuditLog;
import io.wharf.registry.identity.AuditTrail;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.identity.RequestRefused;
import io.wharf.registry.metadata.ManifestEntity;
import io.wharf.registry.service.Caller;
import io.wharf.registry.service.ManifestService;

/**
 * Runs retention or untagged cleanup over one project: plans each repository ({@link RetentionPlanner})
 * and, unless it is a dry run, deletes what the plan says through {@link ManifestService#deleteDecided}
 * (the same path as a client's delete by digest: tags and manifest, {@code tag.deleted} and
 * {@code artifact.deleted} with the reason, caches). A dry run only reads; its one write is its own
 * history row with the report.
 *
 * <p>Each deletion re-checks, in its transaction and with the manifest's row locked, that the manifest
 * still has exactly the tags the plan saw, is not deployed, and nothing that stays needs it (an index
 * listing it, its subject): what changed since the plan is kept (reported as such).
 */
@ApplicationScoped
public class RetentionRunner {
    private static final Logger LOG = Logger.getLogger(RetentionRunner.class);

    public static final String RETENTION = "retention";
    public static final String UNTAGGED = "untagged";

    /** What started a run. */
    public enum Trigger {
        MANUAL("manual"), SCHEDULE("schedule"), GC("gc");

        final String wire;

        Trigger(String wire) {
            this.wire = wire;
        }
    }

    /** A report's part for one repository. */
    public record RepositoryReport(String repository, List<Item> items) {
    }

    /** One artifact in a report: KEEP or DELETE and what decided, per tag too. */
    public record Item(String digest, String action, String reason, List<RetentionPlanner.TagDecision> tags) {
    }

    /** The outcome of a run. */
    public record Outcome(long id, int kept, int deleted, int deletedTags) {
    }

    static final String CHANGED = "kept: changed since the plan (tagged, deployed or needed by what stays, meanwhile)";

    private final Pool pool;
    private final RetentionStore store;
    private final DeployedDigests deployed;
    private final RetentionGuard guard;
    private final ManifestService manifests;
    private final AuditTrail audit;

    public RetentionRunner(Pool pool, RetentionStore store, DeployedDigests deployed, RetentionGuard guard, ManifestService manifests,
                           AuditTrail audit) {
        this.pool = pool;
        this.store = store;
        this.deployed = deployed;
        this.guard = guard;
        this.manifests = manifests;
        this.audit = audit;
    }

    /**
     * Runs {@code kind} ({@link #RETENTION} or {@link #UNTAGGED}) over the project. {@code by} is who asked
     * (null: the registry itself, on a schedule or for garbage collection). Refused with CONFLICT while a
     * real run of the same kind is in progress for the project.
     */
    public Uni<Outcome> run(String project, String kind, boolean dryRun, Trigger trigger, Principal by) {
        String actor = by == null ? null : by.name();
        return store.start(pool, project, kind, dryRun, trigger.wire, actor).chain(id -> {
            if (id == null) {
                throw RequestRefused.conflict("a " + kind + " run of project " + project + " is in progress");
            }
            Caller caller = by == null ? Caller.system() : new Caller(by.actor(), null);
            Tally tally = new Tally();
            return store.policy(pool, project)
                    .chain(policy -> kind.equals(UNTAGGED) && !policy.deleteUntagged() ? Uni.createFrom().item(List.<RepositoryReport>of())
                            : store.repositories(pool, project).onItem().transformToMulti(names -> Multi.createFrom().iterable(names))
                            .onItem().transformToUniAndConcatenate(repository -> repository(project, repository, kind, policy, dryRun, caller, tally))
                            .collect().asList())
                    .chain(reports -> store.finish(pool, id, "succeeded", tally.kept, tally.deleted, tally.deletedTags, null,
                            RetentionStore.write(Map.of("repositories", reports))))
                    .onFailure().call(e -> {
                        LOG.warnf("%s run %d of project %s failed: %s", kind, id, project, e.toString());
                        return store.finish(pool, id, "failed", tally.kept, tally.deleted, tally.deletedTags, String.valueOf(e.getMessage()), null);
                    })
                    .call(() -> dryRun ? Uni.createFrom().voidItem() : audited(project, kind, trigger, by, id, tally))
                    .map(done -> new Outcome(id, tally.kept, tally.deleted, tally.deletedTags));
        });
    }

    private Uni<RepositoryReport> repository(String project, String repository, String kind, RetentionPolicy policy, boolean dryRun,
                                             Caller caller, Tally tally) {
        boolean untagged = kind.equals(UNTAGGED);
        Instant now = Instant.now();
        return store.artifacts(pool, repository, untagged).chain(artifacts -> deployed.of(pool, repository)
                .chain(digests -> guard.protectedTags(repository, tagsOf(artifacts))
                        .map(tags -> {
                            var protections = new RetentionPlanner.Protections(digests, tags);
                            return untagged
                                    ? RetentionPlanner.untagged(artifacts, Duration.ofHours(policy.untaggedGraceHours()), protections, now)
                                    : RetentionPlanner.retention(repository.substring(project.length() + 1), artifacts, policy.rules(), protections, now);
                        }))
                .chain(plan -> (dryRun ? Uni.createFrom().item(Set.<String>of()) : delete(repository, plan, artifacts, caller,
                        untagged ? RegistryEventData.REASON_UNTAGGED : RegistryEventData.REASON_RETENTION))
                        .map(skipped -> report(repository, plan, skipped, tally))));
    }

    /** Deletes the plan's deletions, parents first; returns the digests kept because they changed since the plan. */
    private Uni<Set<String>> delete(String repository, RetentionPlanner.Plan plan, List<RetentionPlanner.Artifact> artifacts, Caller caller,
                                    String reason) {
        Map<String, Set<String>> plannedTags = new LinkedHashMap<>();
        artifacts.forEach(a -> plannedTags.put(a.digest(), Set.copyOf(a.tags())));
        Set<String> skipped = new HashSet<>();
        return Multi.createFrom().iterable(plan.deletionOrder())
                .onItem().transformToUniAndConcatenate(digest -> manifests.deleteDecided(repository, digest, caller, reason,
                                (m, tags) -> Set.copyOf(tags).equals(plannedTags.get(digest)) ? stillUnneeded(repository, m) : Uni.createFrom().item(false))
                        .invoke(deleted -> {
                            if (!deleted) {
                                skipped.add(digest);
                            }
                        }))
                .collect().last().replaceWith(skipped);
    }

    /**
     * In the deletion's transaction, with the manifest's row locked: true unless, since the plan, the
     * digest became deployed, a manifest of the repository that stays lists it as a child (an index
     * pushed meanwhile, or one whose own deletion was skipped: parents go first), or its subject stays
     * (the subject's deletion was skipped: subjects go before their referrers).
     */
    private static Uni<Boolean> stillUnneeded(String repository, ManifestEntity m) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        SELECT (SELECT count(*) FROM deployed_digest WHERE repository = :name AND digest = :d)
                             + (SELECT count(*) FROM manifest_reference r JOIN manifest p ON p.id = r.manifest_id
                                WHERE p.repository_id = :repo AND r.kind = 'manifest' AND r.digest = :d AND p.id <> :id)
                             + (SELECT count(*) FROM manifest s WHERE s.repository_id = :repo AND s.digest = :subject)""", Long.class)
                .setParameter("name", repository).setParameter("d", m.digest).setParameter("repo", m.repositoryId)
                .setParameter("id", m.id).setParameter("subject", m.subjectDigest == null ? "" : m.subjectDigest)
                .getSingleResult())
                .map(n -> n == 0);
    }

    private static RepositoryReport report(String repository, RetentionPlanner.Plan plan, Set<String> skipped, Tally tally) {
        List<Item> items = new ArrayList<>();
        for (RetentionPlanner.Decision d : plan.decisions()) {
            boolean deleted = d.action() == RetentionPlanner.Action.DELETE && !skipped.contains(d.digest());
            if (deleted) {
                tally.deleted++;
                tally.deletedTags += d.tags().size();
                items.add(new Item(d.digest(), d.action().name(), d.reason(), d.tags()));
            } else {
                tally.kept++;
                String reason = d.action() == RetentionPlanner.Action.KEEP ? d.reason() : CHANGED;
                items.add(new Item(d.digest(), "KEEP", reason, d.action() == RetentionPlanner.Action.KEEP ? d.tags()
                        : d.tags().stream().map(t -> new RetentionPlanner.TagDecision(t.tag(), RetentionPlanner.Action.KEEP, CHANGED)).toList()));
            }
        }
        return new RepositoryReport(repository, items);
    }

    private Uni<Void> audited(String project, String kind, Trigger trigger, Principal by, long id, Tally tally) {
        Uni<AuditEventData.Builder> entry = by != null ? audit.by(by, AuditEventData.Actions.RETENTION_RAN, project)
                : Uni.createFrom().item(AuditLog.entry(AuditEventData.Actions.RETENTION_RAN).actor(AuditEventData.ActorKind.SYSTEM, kind)
                        .project(project));
        return entry.chain(e -> audit.record(e.subject(project).summary("run", id).summary("kind", kind).summary("trigger", trigger.wire)
                .summary("kept", tally.kept).summary("deleted", tally.deleted).summary("deletedTags", tally.deletedTags)));
    }

    private static Set<String> tagsOf(List<RetentionPlanner.Artifact> artifacts) {
        Set<String> all = new HashSet<>();
        artifacts.forEach(a -> all.addAll(a.tags()));
        return all;
    }

    /** Counts of one run, added to repository by repository (runs are sequential within a run). */
    private static final class Tally {
        int kept;
        int deleted;
        int deletedTags;
    }
}
