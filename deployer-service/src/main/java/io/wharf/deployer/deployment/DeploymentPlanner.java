package io.wharf.deployer.deployment;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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
 * Turns a registry event into deployments, in the transaction that takes the event in: one per
 * enabled rule whose repository and tag policy match, pinned to {@code host/repo:tag@digest}. The
 * unique index on (rule, digest) makes a redelivery, or the same digest under several tags, plan one
 * deployment. A new deployment supersedes the rule's deployments that have not started (bursts
 * coalesce, the latest wins); a held rule, or a lower version than the rule last deployed, is
 * recorded as skipped.
 */
@ApplicationScoped
public class DeploymentPlanner {

    static final Set<EventType> TRIGGERS = Set.of(EventType.ARTIFACT_PUSHED, EventType.TAG_CREATED, EventType.TAG_UPDATED);

    private final DeployRuleRepository rules;
    private final DeploymentRepository deployments;
    private final String registryHost;

    public DeploymentPlanner(DeployRuleRepository rules, DeploymentRepository deployments, DeployerConfig config) {
        this.rules = rules;
        this.deployments = deployments;
        this.registryHost = config.registryHost();
    }

    /** Plans the event's deployments; returns those to start (waiting ones), each at its {@code notBefore}. */
    public Uni<List<Deployment>> plan(WharfEvent<?> event) {
        if (!TRIGGERS.contains(event.type()) || !(event.data() instanceof RegistryEventData data)
                || data.tag() == null || data.digest() == null) {
            return Uni.createFrom().item(List.of());
        }
        return rules.enabledIn(RepositoryPattern.projectOf(data.repository())).chain(candidates -> {
            List<Deployment> toStart = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (DeployRule rule : candidates) {
                if (rule.repositoryPattern().matches(data.repository()) && rule.tagPolicy().matches(data.tag())) {
                    chain = chain.chain(() -> planFor(rule, event, data).invoke(d -> {
                        if (d != null && d.state == Deployment.State.WAITING) {
                            toStart.add(d);
                        }
                    })).replaceWithVoid();
                }
            }
            return chain.map(ignored -> toStart);
        });
    }

    private Uni<Deployment> planFor(DeployRule rule, WharfEvent<?> event, RegistryEventData data) {
        OffsetDateTime now = OffsetDateTime.now();
        Deployment d = new Deployment();
        d.id = UUID.randomUUID();
        d.ruleId = rule.id;
        d.trigger = Deployment.Trigger.EVENT;
        d.eventId = event.id();
        d.project = rule.project;
        d.repository = data.repository();
        d.tag = data.tag();
        d.digest = data.digest();
        d.image = registryHost + "/" + data.repository() + ":" + data.tag() + "@" + data.digest();
        d.dryRun = rule.dryRun;
        d.eventTime = event.time();
        d.createdAt = now;
        d.updatedAt = now;
        d.notBefore = now.plusNanos(rule.debounceMs * 1_000_000);
        if (rule.onHold) {
            d.finish(Deployment.State.SKIPPED, "rule on hold: " + rule.holdReason);
            return deployments.persist(d);
        }
        if (rule.tagPolicy().ordered() && TagPolicy.isDowngrade(data.tag(), rule.lastVersion)) {
            d.finish(Deployment.State.SKIPPED, "downgrade: " + data.tag() + " is lower than " + rule.lastVersion
                    + ", which the rule deployed last");
            return deployments.persist(d);
        }
        d.state = rule.approvalsRequired > 0 ? Deployment.State.AWAITING_APPROVAL : Deployment.State.WAITING;
        if (rule.approvalsRequired > 0) {
            d.reason = "needs " + rule.approvalsRequired + " approval(s)";
        }
        return deployments.insertIfNew(d).chain(inserted -> inserted
                ? deployments.supersedeOthers(d).replaceWith(d)
                : Uni.createFrom().nullItem());
    }
}
