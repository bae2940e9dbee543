package io.wharf.deployer.rule;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule as clients write it (POST and PUT). Options left out take their defaults: enabled, no dry run,
 * no approvals, no debounce, no minimum interval, no deploy window. The constraints are what one field
 * alone must satisfy; {@link RuleService} checks the rest (the pattern, the policy, the target and its grant,
 * the durations and the window).
 *
 * @param repository        {@code project/name}, or a glob within one project ({@code acme/svc-*})
 * @param tagPolicy         which tags deploy
 * @param target            the name or id of a deploy target granted to the rule's project
 * @param workload          what to update on the target, within the grant's bounds: Kubernetes
 *                          {@code workload}, {@code namespace}, {@code name}, {@code container}; Docker
 *                          {@code container}; HTTP nothing
 * @param approvalsRequired approvals by distinct users before a deployment is applied
 * @param debounce          bursts of pushes within this time coalesce; the latest wins ({@code 30s})
 * @param minInterval       least time between two deployments of the rule ({@code 10m})
 * @param window            days and hours (UTC) in which deployments are applied
 */
public record RuleRequest(
        @Size(max = 255, message = "must be at most 255 characters") String name,
        @Size(max = 255, message = "must be at most 255 characters") String repository,
        @NotNull(message = "is required") @Valid Policy tagPolicy,
        @NotBlank(message = "is required: the name or id of a target granted to the project")
        @Size(max = 255, message = "must be at most 255 characters") String target,
        JsonNode workload,
        Boolean enabled,
        Boolean dryRun,
        @Min(value = 0, message = "must be between 0 and " + RuleService.MAX_APPROVALS)
        @Max(value = RuleService.MAX_APPROVALS, message = "must be between 0 and " + RuleService.MAX_APPROVALS) Integer approvalsRequired,
        @Size(max = 32, message = "must be at most 32 characters") String debounce,
        @Size(max = 32, message = "must be at most 32 characters") String minInterval,
        @Valid Window window) {

    /** {@code kind}: exact, glob, regex or semver. */
    public record Policy(@Size(max = 32, message = "must be at most 32 characters") String kind,
            @Size(max = 255, message = "must be at most 255 characters") String value) {
    }

    /** {@code days}: MON…SUN; {@code start}, {@code end}: HH:MM in UTC. */
    public record Window(@Size(max = 7, message = "must list at most 7 days") List<String> days, String start, String end) {
    }
}
