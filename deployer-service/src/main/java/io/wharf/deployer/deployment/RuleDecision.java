package io.wharf.deployer.deployment;

import io.wharf.deployer.rule.DeployRule;
import io.wharf.deployer.rule.TagPolicy;

/**
 * Whether a rule applies a push of {@code tag}, decided by one piece of code wherever it is decided: when an
 * event plans the deployment ({@link DeploymentPlanner}) and again when the deployment is due to start
 * ({@link DeploymentRunner}), for a live rule and a dry-run rule alike. A dry run differs only in what it
 * leaves behind: a plan instead of a change, and {@link DeployRule#plannedVersion} instead of
 * {@link DeployRule#lastVersion} as the version its downgrade guard compares with
 * ({@link DeployRule#guardVersion()}), so that it predicts what the live rule would have done.
 */
final class RuleDecision {

    private RuleDecision() {
    }

    /**
     * Why {@code rule} does not apply a push of {@code tag} now, or null when it may: the rule is on hold or
     * disabled, or (ordered policies) the tag is a lower version than the one the rule deployed last.
     */
    static String skipReason(DeployRule rule, TagPolicy policy, String tag) {
        if (rule.onHold) {
            return "rule on hold: " + rule.holdReason;
        }
        if (!rule.enabled) {
            return "rule disabled";
        }
        String last = rule.guardVersion();
        if (policy.ordered() && TagPolicy.isDowngrade(tag, last)) {
            // Word for word what the live rule says: a dry run's history reads as the live one would.
            return "downgrade: " + tag + " is lower than " + last + ", which the rule deployed last";
        }
        return null;
    }
}
