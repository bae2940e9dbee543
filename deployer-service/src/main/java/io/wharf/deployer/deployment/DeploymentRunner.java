package io.wharf.deployer.deployment;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.deployer.config.DeployerConfig;
import io.wharf.deployer.rule.DeployRule;
import io.wharf.deployer.rule.DeployRuleRepository;
import io.wharf.deployer.rule.DeployWindow;
import io.wharf.deployer.rule.DeployerException;
import io.wharf.deployer.rule.TargetService;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.TargetSettings;
import io.wharf.deployer.targets.Verification;
import io.wharf.events.EventType;
import io.wharf.reference.ImageReference;
import io.wharf.reference.InvalidReferenceException;

/**
 * Applies waiting deployments when they are due: a timer set for each one's {@code notBefore} starts
 * it at once (no polling in the path from event to target), and a sweep picks up whatever a restart
 * left waiting.
 *
 * <p>Starting is a transaction that locks the rule: an event-triggered deployment the rule no longer applies
 * (held, disabled, a downgrade since it was planned: {@link RuleDecision}) is skipped; one rule applies one
 * deployment at a time; the minimum interval and the deploy
 * window push {@code notBefore} later. Then: {@code from} = what the target runs now, apply, verify until
 * the deadline. A failure rolls the target back to {@code from}, marks the deployment rolled back and
 * holds the rule, so automation does not apply the failed version again. A dry run takes the same
 * decisions (its minimum interval counts from its own last plan) and records {@code planned} where the live
 * rule would apply. Every outcome is recorded with its {@code deployment.*} event in one transaction.
 */
@ApplicationScoped
public class DeploymentRunner {
    private static final Logger LOG = Logger.getLogger(DeploymentRunner.class);

    private final DeploymentRepository deployments;
    private final DeployRuleRepository rules;
    private final TargetService targets;
    private final DeploymentOutbox outbox;
    private final Vertx vertx;
    private final Duration verifyTimeout;

    public DeploymentRunner(DeploymentRepository deployments, DeployRuleRepository rules, TargetService targets,
            DeploymentOutbox outbox, Vertx vertx, DeployerConfig config) {
        this.deployments = deployments;
        this.rules = rules;
        this.targets = targets;
        this.outbox = outbox;
        this.vertx = vertx;
        this.verifyTimeout = config.verifyTimeout();
    }

    /** Starts the deployment at {@code notBefore} (at once when that has passed). */
    public void schedule(UUID id, OffsetDateTime notBefore) {
        long delay = Duration.between(Instant.now(), notBefore.toInstant()).toMillis();
        if (delay <= 0) {
            onOwnContext(() -> run(id));
        } else {
            vertx.setTimer(delay, timer -> onOwnContext(() -> run(id)));
        }
    }

    /** Publishes the outbox now, off the caller's transaction. */
    public void relayEvents() {
        onOwnContext(outbox::relay);
    }

    private void onOwnContext(java.util.function.Supplier<Uni<Void>> work) {
        // Hibernate Reactive wants a duplicated context of its own, marked safe.
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> work.get().subscribe().with(done -> {
        }, failure -> LOG.errorf(failure, "deployment work failed")));
    }

    /**
     * A deployment still applying when the deployer starts was cut off by a stop or crash: the target
     * may run either image and nobody watches it. It is marked failed and its rule held (automation
     * must not pile a new version onto an unknown state; a person checks the target, then releases the
     * hold or rolls back), which also frees the rule: one applying deployment blocks every later one.
     * One deployer instance is assumed (see the README).
     */
    void recoverOnStart(@Observes StartupEvent start) {
        onOwnContext(() -> recoverInterrupted().replaceWithVoid());
    }

    /** Fails every deployment left applying and holds its rule; returns how many there were. */
    public Uni<Integer> recoverInterrupted() {
        return Panache.withTransaction(() -> deployments.list("state", Deployment.State.APPLYING)
                .chain(left -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Deployment d : left) {
                        String reason = "the deployer stopped while applying " + d.image
                                + "; the target may run either image: check it, then release the hold or roll back";
                        chain = chain.chain(() -> rules.findById(d.ruleId).chain(rule -> {
                            d.finish(Deployment.State.FAILED, reason);
                            rule.hold("deployment " + d.id + " was interrupted");
                            rule.updatedAt = OffsetDateTime.now();
                            return outbox.record(EventType.DEPLOYMENT_FAILED, d, rule, reason);
                        }));
                    }
                    return chain.replaceWith(left.size());
                }))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.warnf("%d deployment(s) were interrupted by the last stop: marked failed, rules held", n);
                        relayEvents();
                    }
                });
    }

    @Scheduled(every = "${wharf.deployer.sweep-interval}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Panache.withSession(() -> deployments.due(OffsetDateTime.now()))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUniAndConcatenate(d -> run(d.id))
                .collect().last().replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "deployment sweep failed");
                    return null;
                });
    }

    /** What a started deployment needs outside the starting transaction. */
    private record Started(Deployment deployment, DeployRule rule) {
    }

    /** Starts the deployment if it is waiting and due, then applies it; never fails. */
    Uni<Void> run(UUID id) {
        return Panache.withTransaction(() -> start(id))
                .chain(started -> started == null ? Uni.createFrom().voidItem() : Uni.createFrom().deferred(() -> execute(started))
                        .onFailure().recoverWithUni(failure -> failIfApplying(started, failure)))
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "deployment %s could not run", id);
                    return null;
                })
                .invoke(this::relayEvents);
    }

    private Uni<Started> start(UUID id) {
        return deployments.findById(id).chain(d -> {
            if (d == null || d.state != Deployment.State.WAITING) {
                return Uni.createFrom().nullItem();
            }
            return rules.lock(d.ruleId).chain(rule -> {
                String skip = d.trigger == Deployment.Trigger.EVENT ? RuleDecision.skipReason(rule, rule.tagPolicy(), d.tag) : null;
                if (skip != null) {
                    d.finish(Deployment.State.SKIPPED, skip);
                    return outbox.record(EventType.DEPLOYMENT_SKIPPED, d, rule, skip).map(ignored -> (Started) null);
                }
                return deployments.applyingCount(rule.id).chain(busy -> busy > 0
                        ? Uni.createFrom().<Started>nullItem() // started again when the running one finishes
                        : deployments.lastStart(rule.id, d.dryRun).map(lastStart -> startIfDue(d, rule, lastStart)));
            });
        });
    }

    private Started startIfDue(Deployment d, DeployRule rule, OffsetDateTime lastStart) {
        Instant now = Instant.now();
        Instant due = d.notBefore.toInstant();
        String cause = "debounce";
        if (d.trigger == Deployment.Trigger.EVENT) {
            if (rule.minIntervalMs > 0 && lastStart != null) {
                Instant allowed = lastStart.toInstant().plusMillis(rule.minIntervalMs);
                if (allowed.isAfter(due)) {
                    due = allowed;
                    cause = "minimum interval";
                }
            }
            DeployWindow window = rule.window();
            if (window != null) {
                Instant opens = window.nextOpen(due.isAfter(now) ? due : now);
                if (opens.isAfter(due)) {
                    due = opens;
                    cause = "deploy window";
                }
            }
        }
        if (due.isAfter(now)) {
            d.notBefore = due.atOffset(ZoneOffset.UTC);
            d.updatedAt = OffsetDateTime.now();
            d.reason = "waiting until " + d.notBefore + " (" + cause + ")";
            schedule(d.id, d.notBefore);
            return null;
        }
        d.state = Deployment.State.APPLYING;
        d.startedAt = OffsetDateTime.now();
        d.updatedAt = d.startedAt;
        d.reason = null;
        return new Started(d, rule);
    }

    /**
     * Checks the rule against its target as it is now (a target changed since the rule was saved may no
     * longer grant its workload: the deployment fails without touching anything), then applies it.
     */
    private Uni<Void> execute(Started started) {
        Deployment d = started.deployment();
        DeployRule rule = started.rule();
        return Panache.withSession(() -> targets.resolve(rule))
                .onItemOrFailure().transformToUni((resolved, failure) -> {
                    if (failure instanceof DeployerException refused) {
                        return finish(d.id, rule.id, Deployment.State.FAILED, "refused by the target: " + refused.getMessage(), false,
                                EventType.DEPLOYMENT_FAILED);
                    }
                    if (failure != null) {
                        return Uni.createFrom().<Void>failure(failure);
                    }
                    return execute(d, rule, resolved.target(), resolved.settings());
                });
    }

    private Uni<Void> execute(Deployment d, DeployRule rule, DeployTarget<TargetSettings> target, TargetSettings settings) {
        return backOnContext(target.current(settings))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("target of rule %s cannot say what it runs: %s", rule.id, failure.getMessage());
                    return null;
                })
                .chain(current -> current != null ? Uni.createFrom().item(current)
                        : Panache.withSession(() -> deployments.lastSucceededBefore(rule.id, d.id))
                                .map(last -> last == null ? null : last.image))
                .chain(from -> Panache.withTransaction(() -> deployments.findById(d.id).chain(row -> {
                    row.fromImage = from;
                    row.fromDigest = digestOf(from);
                    row.updatedAt = OffsetDateTime.now();
                    if (row.dryRun) {
                        // What a success would leave behind, the plan in place of the change.
                        return rules.findById(rule.id).chain(current -> {
                            row.finish(Deployment.State.PLANNED, "dry run: would apply " + row.image
                                    + (from == null ? "" : " in place of " + from));
                            if (row.trigger == Deployment.Trigger.EVENT && current.dryRun) {
                                current.deployed(row.tag, true);
                            }
                            return outbox.record(EventType.DEPLOYMENT_PLANNED, row, current, row.reason);
                        }).replaceWith(row);
                    }
                    return outbox.record(EventType.DEPLOYMENT_STARTED, row, rule, "applying " + row.image).replaceWith(row);
                })))
                .invoke(this::relayEvents)
                .chain(row -> row.dryRun ? Uni.createFrom().voidItem() : applyAndVerify(row, rule, target, settings))
                .chain(() -> Panache.withSession(() -> deployments.waitingOf(rule.id)))
                .invoke(waiting -> waiting.forEach(w -> schedule(w.id, w.notBefore)))
                .replaceWithVoid();
    }

    private Uni<Void> applyAndVerify(Deployment d, DeployRule rule, DeployTarget<TargetSettings> target, TargetSettings settings) {
        DeployOrder order = new DeployOrder(d.id.toString(), rule.id.toString(), d.eventId, d.repository, d.tag, d.digest,
                d.image, d.fromImage);
        return change(target, settings, order).chain(outcome -> {
            if (outcome.succeeded()) {
                return finish(d.id, rule.id, Deployment.State.SUCCEEDED, outcome.reason(), false,
                        EventType.DEPLOYMENT_SUCCEEDED);
            }
            String failure = outcome.reason();
            if (d.fromImage == null || d.fromImage.equals(d.image)) {
                return finish(d.id, rule.id, Deployment.State.FAILED, failure, false, EventType.DEPLOYMENT_FAILED);
            }
            DeployOrder back = new DeployOrder(d.id.toString(), rule.id.toString(), d.eventId, d.repository, null,
                    d.fromDigest == null ? d.digest : d.fromDigest, d.fromImage, d.image);
            return change(target, settings, back).chain(restored -> restored.succeeded()
                    ? finish(d.id, rule.id, Deployment.State.ROLLED_BACK, failure + "; rolled back to " + d.fromImage, true,
                            EventType.DEPLOYMENT_FAILED, EventType.DEPLOYMENT_ROLLEDBACK)
                    : finish(d.id, rule.id, Deployment.State.FAILED, failure + "; rolling back to " + d.fromImage
                            + " failed too: " + restored.reason(), true, EventType.DEPLOYMENT_FAILED));
        });
    }

    /** Applies and verifies one order; a target's failure becomes a failed verification. */
    private Uni<Verification> change(DeployTarget<TargetSettings> target, TargetSettings settings, DeployOrder order) {
        return backOnContext(target.apply(settings, order)
                .chain(() -> target.verify(settings, order, verifyTimeout))
                .ifNoItem().after(verifyTimeout.plusSeconds(30)).fail()
                .onFailure().recoverWithItem(failure -> Verification.failure(
                        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage(), null)));
    }

    /**
     * A target may complete on any thread (the Kubernetes client's blocking calls run on worker
     * threads); what follows uses Hibernate Reactive, which must stay on the caller's Vert.x context.
     */
    private static <T> Uni<T> backOnContext(Uni<T> uni) {
        Context context = Vertx.currentContext();
        return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    /** Records a failure of the deployer itself (not of the target) for a deployment left applying. */
    private Uni<Void> failIfApplying(Started started, Throwable failure) {
        LOG.errorf(failure, "deployment %s failed inside the deployer", started.deployment().id);
        return Panache.withTransaction(() -> deployments.findById(started.deployment().id).chain(d -> {
            if (d == null || d.state != Deployment.State.APPLYING) {
                return Uni.createFrom().voidItem();
            }
            d.finish(Deployment.State.FAILED, "the deployer failed: " + failure.getMessage());
            return outbox.record(EventType.DEPLOYMENT_FAILED, d, started.rule(), d.reason);
        }));
    }

    private Uni<Void> finish(UUID id, UUID ruleId, Deployment.State outcome, String reason, boolean hold, EventType... events) {
        return Panache.withTransaction(() -> deployments.findById(id).chain(d -> rules.findById(ruleId).chain(rule -> {
            d.finish(outcome, reason);
            if (hold) {
                rule.hold("deployment " + d.id + " of " + d.digest + " failed: " + reason);
                rule.updatedAt = OffsetDateTime.now();
            }
            if (outcome == Deployment.State.SUCCEEDED && d.trigger == Deployment.Trigger.EVENT) {
                rule.deployed(d.tag, false);
            }
            Uni<Void> recorded = Uni.createFrom().voidItem();
            for (EventType type : events) {
                recorded = recorded.chain(() -> outbox.record(type, d, rule, reason));
            }
            return recorded;
        })));
    }

    /** The digest of {@code host/repo:tag@sha256:…}, or null. */
    static String digestOf(String image) {
        if (image == null) {
            return null;
        }
        try {
            return ImageReference.parse(image).digest().map(Object::toString).orElse(null);
        } catch (InvalidReferenceException e) {
            return null;
        }
    }
}
