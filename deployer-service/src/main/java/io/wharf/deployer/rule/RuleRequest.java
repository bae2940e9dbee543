package io.wharf.deployer.rule;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule as clients write it (POST and PUT). Options left out take their defaults: enabled, no dry run,
 * no approvals, no debounce, no minimum interval, no deploy window.
 *
 * @param repository        {@code project/name}, or a glob within one project ({@code acme/svc-*})
 * @param tagPolicy         which tags deploy
 * @param target            kind ({@code kubernetes}, {@code docker}, {@code http}) and its settings
 * @param approvalsRequired approvals by distinct users before a deployment is applied
 * @param debounce          bursts of pushes within this time coalesce; the latest wins ({@code 30s})
 * @param minInterval       least time between two deployments of the rule ({@code 10m})
 * @param window            days and hours (UTC) in which deployments are applied
 */
public record RuleRequest(String name, String repository, Policy tagPolicy, Target target, Boolean enabled,
        Boolean dryRun, Integer approvalsRequired, String debounce, String minInterval, Window window) {

    /** {@code kind}: exact, glob, regex or semver. */
    public record Policy(String kind, String value) {
    }

    public record Target(String kind, JsonNode settings) {
    }

    /** {@code days}: MON…SUN; {@code start}, {@code end}: HH:MM in UTC. */
    public record Window(List<String> days, String start, String end) {
    }
}
