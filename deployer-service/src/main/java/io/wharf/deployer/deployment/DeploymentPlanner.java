package io.wharf.deployer.deployment;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.deployer.config.DeployerConfig;
import io.wharf.deployer.rule.DeployRule;
import io.wharf.deployer.rule.DeployRuleRepository;
import io.wharf.deployer.rule.RepositoryPattern;
import io.wharf.deployer.rule.TagPolicy;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;

/**
 * Turns registry events into deployments, in the transaction that takes the events in: one per enabled
 * rule whose repository and tag policy match, pinned to {@code host/repo:tag@digest}. One deployment per
 * (rule, digest), whatever the outcome (the rule is stated in {@link BatchPlan}; the unique index on
 * (rule, digest) enforces it for deployments that count): the {@code artifact.pushed} and {@code tag.created}
 * of one push, a redelivery, or the same digest under several tags plan one deployment, applied or skipped. A
 * new deployment supersedes the rule's deployments that have not started (bursts coalesce, the latest wins);
 * a held rule, or a lower version than the rule last deployed, is recorded as skipped ({@link RuleDecision},
 * dry run or not). Skipped and superseded deployments are published ({@code deployment.skipped},
 * {@code deployment.superseded}) through the outbox in the same transaction.
 *
 * <p>A batch of events is planned as if its events came one after the other, in their order (see
 * {@link BatchPlan}), with a fixed number of statements whatever its size: the rules of the events'
 * projects, the deployments that bear on them, one update superseding existing ones, one insert, and one
 * insert of the outcomes' events into the outbox.
 * Deployments are created in event order ({@code createdAt} strictly increasing).
 */
@ApplicationScoped
public class DeploymentPlanner {

    static final Set<EventType> TRIGGERS = Set.of(EventType.ARTIFACT_PUSHED, EventType.TAG_CREATED, EventType.TAG_UPDATED);

    private final DeployRuleRepository rules;
    private final DeploymentRepository deployments;
    private final DeploymentOutbox outbox;
    private final String registryHost;
    /** The last {@code createdAt} handed out, in microseconds since the epoch (the database's precision). */
    private final AtomicLong lastCreated = new AtomicLong();

    public DeploymentPlanner(DeployRuleRepository rules, DeploymentRepository deployments, DeploymentOutbox outbox,
            DeployerConfig config) {
        this.rules = rules;
        this.deployments = deployments;
        this.outbox = outbox;
        this.registryHost = config.registryHost();
    }

    /** An event that may trigger deployments, and a rule it matches. */
    private record Match(Candidate candidate, WharfEvent<?> event, RegistryEventData data) {
    }

    /** A rule with its patterns compiled once for the batch. */
    private record Candidate(DeployRule rule, RepositoryPattern repositories, TagPolicy tags) {
        Candidate(DeployRule rule) {
            this(rule, rule.repositoryPattern(), rule.tagPolicy());
        }

        boolean matches(RegistryEventData data) {
            return repositories.matches(data.repository()) && tags.matches(data.tag());
        }
    }

    /**
     * What a batch planned: the deployments recorded waiting (at most one per rule: a later one supersedes it),
     * to start each at its {@code notBefore}, and whether events were written to the outbox (to relay once the
     * transaction has committed).
     */
    public record Planned(List<Deployment> waiting, boolean published) {
        static final Planned NOTHING = new Planned(List.of(), false);
    }

    /** Plans the events' deployments, in their order. Runs in the caller's transaction. */
    public Uni<Planned> plan(List<WharfEvent<?>> events) {
        List<WharfEvent<?>> triggers = events.stream().filter(DeploymentPlanner::mayTrigger).toList();
        if (triggers.isEmpty()) {
            return Uni.createFrom().item(Planned.NOTHING);
        }
        Set<String> projects = triggers.stream().map(e -> RepositoryPattern.projectOf(e.data().repository()))
                .collect(Collectors.toSet());
        return rules.enabledIn(projects).chain(enabled -> {
            List<Candidate> candidates = enabled.stream().map(Candidate::new).toList();
            List<Match> matches = new ArrayList<>();
            for (WharfEvent<?> event : triggers) {
                RegistryEventData data = (RegistryEventData) event.data();
                for (Candidate candidate : candidates) {
                    if (candidate.matches(data)) {
                        matches.add(new Match(candidate, event, data));
                    }
                }
            }
            if (matches.isEmpty()) {
                return Uni.createFrom().item(Planned.NOTHING);
            }
            Map<UUID, DeployRule> byId = enabled.stream().collect(Collectors.toMap(r -> r.id, r -> r));
            Set<UUID> ruleIds = matches.stream().map(m -> m.candidate().rule().id).collect(Collectors.toSet());
            Set<String> digests = matches.stream().map(m -> m.data().digest()).collect(Collectors.toSet());
            return deployments.existingFor(ruleIds, digests).chain(existing -> {
                BatchPlan plan = new BatchPlan(existing);
                matches.forEach(m -> plan.add(deployment(m)));
                return deployments.supersede(plan.superseded()).chain(superseded -> deployments.insertAll(plan.rows())
                        .chain(inserted -> {
                            List<DeploymentOutbox.Outcome> outcomes = new ArrayList<>();
                            superseded.forEach(d -> outcomes.add(outcome(d, byId.get(d.ruleId))));
                            plan.rows().stream().filter(d -> inserted.contains(d.id) && d.state.finished())
                                    .forEach(d -> outcomes.add(outcome(d, byId.get(d.ruleId))));
                            List<Deployment> waiting = plan.rows().stream()
                                    .filter(d -> d.state == Deployment.State.WAITING && inserted.contains(d.id)).toList();
                            return outbox.recordAll(outcomes).replaceWith(new Planned(waiting, !outcomes.isEmpty()));
                        }));
            });
        });
    }

    /** The event of a deployment planned finished: skipped or superseded. */
    private static DeploymentOutbox.Outcome outcome(Deployment d, DeployRule rule) {
        EventType type = d.state == Deployment.State.SKIPPED ? EventType.DEPLOYMENT_SKIPPED : EventType.DEPLOYMENT_SUPERSEDED;
        return new DeploymentOutbox.Outcome(type, d, rule, d.reason);
    }

    private static boolean mayTrigger(WharfEvent<?> event) {
        return TRIGGERS.contains(event.type()) && event.data() instanceof RegistryEventData data
                && data.tag() != null && data.digest() != null;
    }

    /** The deployment the match asks for: skipped (rule on hold, downgrade), awaiting approval or waiting. */
    private Deployment deployment(Match match) {
        DeployRule rule = match.candidate().rule();
        RegistryEventData data = match.data();
        OffsetDateTime now = nextCreatedAt();
        Deployment d = new Deployment();
        d.id = UUID.randomUUID();
        d.ruleId = rule.id;
        d.trigger = Deployment.Trigger.EVENT;
        d.eventId = match.event().id();
        d.project = rule.project;
        d.repository = data.repository();
        d.tag = data.tag();
        d.digest = data.digest();
        d.image = registryHost + "/" + data.repository() + ":" + data.tag() + "@" + data.digest();
        d.dryRun = rule.dryRun;
        d.eventTime = match.event().time();
        d.createdAt = now;
        d.updatedAt = now;
        d.notBefore = now.plusNanos(rule.debounceMs * 1_000_000);
        d.approvalsRequired = rule.approvalsRequired;
        d.pushedBy = data.actor() == null ? null : data.actor().name();
        String skip = RuleDecision.skipReason(rule, match.candidate().tags(), data.tag());
        if (skip != null) {
            d.finish(Deployment.State.SKIPPED, skip);
        } else if (d.approvalsRequired > 0) {
            d.state = Deployment.State.AWAITING_APPROVAL;
            d.reason = "needs " + d.approvalsRequired + " approval(s)";
        } else {
            d.state = Deployment.State.WAITING;
        }
        return d;
    }

    /** Now, or a microsecond after the last one handed out: deployments are created in the order planned. */
    private OffsetDateTime nextCreatedAt() {
        long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long micros = lastCreated.updateAndGet(last -> Math.max(last + 1, now));
        return OffsetDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneId.systemDefault());
    }
}
