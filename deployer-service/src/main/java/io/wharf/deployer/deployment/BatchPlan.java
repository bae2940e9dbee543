package io.wharf.deployer.deployment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The deployments a batch of registry events plans, worked out in memory with the outcome that planning
 * the events one after the other, in their order, has.
 *
 * <p><b>One deployment per (rule, digest), whatever the outcome.</b> A rule decides once about a digest: a
 * deployment is recorded unless the rule already has one of the digest that counts (waiting, awaiting
 * approval, applying, or finished after it started or was planned: the unique index on (rule, digest)), and a
 * skipped one is recorded unless the rule already has one of the digest that counts or a skipped one. So the
 * {@code artifact.pushed} and {@code tag.created} of one push, a redelivery, or the digest under another tag
 * record one deployment, applied or skipped. Two exceptions, both later decisions about the digest rather
 * than repeats: a digest whose deployment was superseded (a newer push came first) or rejected (by a person)
 * may be planned again by a later push of it; and a digest skipped while the rule was held (or a lower version
 * than it deployed) is planned when pushed again once the cause is gone (the hold released): then it has a
 * skipped and a counting deployment, the first recording the earlier push. A manual rollback
 * ({@link Deployment.Trigger#ROLLBACK}) is a person's request and never counts.
 *
 * <p>Each recorded deployment that would start supersedes the rule's deployments that have not started
 * (latest wins), existing rows and earlier rows of the batch alike; skipped ones supersede nothing. Rows the
 * batch supersedes are recorded superseded, so the history is the one the events would have left one by one.
 *
 * <p>It starts from the rule's deployments that may matter ({@link Existing}): those that count or were
 * skipped and have a digest of the batch, and those not started yet.
 */
final class BatchPlan {

    /** A deployment already recorded (trigger EVENT) that counts for the unique index, or was skipped. */
    record Existing(UUID id, UUID ruleId, String digest, Deployment.State state) {
    }

    /** An existing deployment of the rule {@code ruleId} the batch supersedes, and why. */
    record Superseded(UUID id, UUID ruleId, String reason) {
    }

    /** What one rule has that counts, as the batch goes. */
    private static final class RuleState {
        final Set<String> counted = new HashSet<>();
        final Set<String> skipped = new HashSet<>();
        final List<Existing> existingNotStarted = new ArrayList<>();
        final List<Deployment> newNotStarted = new ArrayList<>();
    }

    private final Map<UUID, RuleState> rules = new HashMap<>();
    private final List<Deployment> rows = new ArrayList<>();
    private final List<Superseded> superseded = new ArrayList<>();

    BatchPlan(List<Existing> existing) {
        for (Existing e : existing) {
            RuleState rule = rule(e.ruleId());
            if (e.state() == Deployment.State.SKIPPED) {
                rule.skipped.add(e.digest());
                continue;
            }
            rule.counted.add(e.digest());
            if (notStarted(e.state())) {
                rule.existingNotStarted.add(e);
            }
        }
    }

    private RuleState rule(UUID id) {
        return rules.computeIfAbsent(id, ignored -> new RuleState());
    }

    private static boolean notStarted(Deployment.State state) {
        return state == Deployment.State.WAITING || state == Deployment.State.AWAITING_APPROVAL;
    }

    /**
     * Adds the next deployment of the batch: a skipped one is recorded unless its rule has a deployment of
     * its digest that counts or a skipped one; one that would start (waiting or awaiting approval) is recorded
     * unless its rule has a deployment of its digest that counts, and then supersedes the rule's deployments
     * that have not started.
     */
    void add(Deployment d) {
        RuleState rule = rule(d.ruleId);
        if (!notStarted(d.state)) {
            if (rule.counted.contains(d.digest) || !rule.skipped.add(d.digest)) {
                return;
            }
            rows.add(d);
            return;
        }
        if (rule.counted.contains(d.digest)) {
            return;
        }
        String reason = "superseded by " + d.digest + (d.tag == null ? "" : " (" + d.tag + ")");
        for (Existing e : rule.existingNotStarted) {
            superseded.add(new Superseded(e.id(), e.ruleId(), reason));
            rule.counted.remove(e.digest());
        }
        for (Deployment earlier : rule.newNotStarted) {
            earlier.finish(Deployment.State.SUPERSEDED, reason);
            rule.counted.remove(earlier.digest);
        }
        rule.existingNotStarted.clear();
        rule.newNotStarted.clear();
        rule.newNotStarted.add(d);
        rule.counted.add(d.digest);
        rows.add(d);
    }

    /** The deployments to record, in the order the events planned them. */
    List<Deployment> rows() {
        return rows;
    }

    /** Existing deployments the batch supersedes (they must be updated before {@link #rows()} are inserted). */
    List<Superseded> superseded() {
        return superseded;
    }
}
