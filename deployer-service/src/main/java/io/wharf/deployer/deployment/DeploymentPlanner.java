package io.wharf.deployer.deployment;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
 * rule whose repository and tag policy match, pinned to {@code host/repo:tag@digest}. The unique index on
 * (rule, digest) makes a redelivery, or the same digest under several tags, plan one deployment. A new
 * deployment supersedes the rule's deployments that have not started (bursts coalesce, the latest wins);
 * a held rule, or a lower version than the rule last deployed, is recorded as skipped.
 *
 * <p>A batch of events is planned as if its events came one after the other, in their order (see
 * {@link BatchPlan}), with a fixed number of statements whatever its size: the rules of the events'
 * projects, the deployments that bear on them, one update superseding existing ones and one insert.
 * Deployments are created in event order ({@code createdAt} strictly increasing).
 */
@ApplicationScoped
public class DeploymentPlanner {

    static final Set<EventType> TRIGGERS = Set.of(EventType.ARTIFACT_PUSHED, EventType.TAG_CREATED, EventType.TAG_UPDATED);

    private final DeployRuleRepository rules;
    private final DeploymentRepository deployments;
    private final String registryHost;
    /** The last {@code createdAt} handed out, in microseconds since the epoch (the database's precision). */
    private final AtomicLong lastCreated = new AtomicLong();

    public DeploymentPlanner(DeployRuleRepository rules, DeploymentRepository deployments, DeployerConfig config) {
        this.rules = rules;
        this.deployments = deployments;
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
     * Plans the events' deployments, in their order; returns those recorded waiting (at most one per rule:
     * a later one supersedes it), to start each at its {@code notBefore}. Runs in the caller's transaction.
     */
    public Uni<List<Deployment>> plan(List<WharfEvent<?>> events) {
        List<WharfEvent<?>> triggers = events.stream().filter(DeploymentPlanner::mayTrigger).toList();
        if (triggers.isEmpty()) {
            return Uni.createFrom().item(List.of());
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
                return Uni.createFrom().item(List.<Deployment>of());
            }
            Set<UUID> ruleIds = matches.stream().map(m -> m.candidate().rule().id).collect(Collectors.toSet());
            Set<String> digests = matches.stream().map(m -> m.data().digest()).collect(Collectors.toSet());
            return deployments.existingFor(ruleIds, digests).chain(existing -> {
                BatchPlan plan = new BatchPlan(existing);
                matches.forEach(m -> plan.add(deployment(m)));
                return deployments.supersede(plan.superseded())
                        .chain(() -> deployments.insertAll(plan.rows()))
                        .map(inserted -> plan.rows().stream()
                                .filter(d -> d.state == Deployment.State.WAITING && inserted.contains(d.id)).toList());
            });
        });
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
        if (rule.onHold) {
            d.finish(Deployment.State.SKIPPED, "rule on hold: " + rule.holdReason);
        } else if (match.candidate().tags().ordered() && TagPolicy.isDowngrade(data.tag(), rule.lastVersion)) {
            d.finish(Deployment.State.SKIPPED, "downgrade: " + data.tag() + " is lower than " + rule.lastVersion
                    + ", which the rule deployed last");
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
