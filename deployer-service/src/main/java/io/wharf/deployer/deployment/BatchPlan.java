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
 * the events one after the other, in their order, has: a deployment is recorded unless its rule already has
 * one of the digest that counts (not skipped, superseded or rejected: the unique index on (rule, digest));
 * each recorded one supersedes the rule's deployments that have not started (latest wins), existing rows and
 * earlier rows of the batch alike; skipped ones are recorded as they are. Rows the batch supersedes are
 * recorded superseded, so the history is the one the events would have left one by one.
 *
 * <p>It starts from the rule's deployments that may matter ({@link Existing}): those that count and have a
 * digest of the batch, and those not started yet.
 */
final class BatchPlan {

    /** A deployment already recorded that counts for the unique index (trigger EVENT). */
    record Existing(UUID id, UUID ruleId, String digest, Deployment.State state) {
    }

    /** An existing deployment the batch supersedes, and why. */
    record Superseded(UUID id, String reason) {
    }

    /** What one rule has that counts, as the batch goes. */
    private static final class RuleState {
        final Set<String> counted = new HashSet<>();
        final List<Existing> existingNotStarted = new ArrayList<>();
        final List<Deployment> newNotStarted = new ArrayList<>();
    }

    private final Map<UUID, RuleState> rules = new HashMap<>();
    private final List<Deployment> rows = new ArrayList<>();
    private final List<Superseded> superseded = new ArrayList<>();

    BatchPlan(List<Existing> existing) {
        for (Existing e : existing) {
            RuleState rule = rule(e.ruleId());
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
     * Adds the next deployment of the batch: a skipped one is recorded; one that would start (waiting or
     * awaiting approval) is recorded unless its rule has a deployment of its digest that counts, and then
     * supersedes the rule's deployments that have not started.
     */
    void add(Deployment d) {
        if (!notStarted(d.state)) {
            rows.add(d);
            return;
        }
        RuleState rule = rule(d.ruleId);
        if (rule.counted.contains(d.digest)) {
            return;
        }
        String reason = "superseded by " + d.digest + (d.tag == null ? "" : " (" + d.tag + ")");
        for (Existing e : rule.existingNotStarted) {
            superseded.add(new Superseded(e.id(), reason));
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
