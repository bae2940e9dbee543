package io.wharf.deployer.rule;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule as the API shows it: its target by id, name and kind, and its workload there. A rule holds no
 * endpoint and no secret (those are its target's, see {@link TargetView}). {@code tagPolicyProblem} says
 * why a stored tag policy is no longer accepted (such a rule deploys no tag); absent otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleView(UUID id, String name, String project, String repository, RuleRequest.Policy tagPolicy,
        String tagPolicyProblem, TargetRef target, JsonNode workload, boolean enabled, boolean dryRun, int approvalsRequired, String debounce,
        String minInterval, RuleRequest.Window window, Hold hold, String lastVersion, String createdBy,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The target a rule names. */
    public record TargetRef(UUID id, String name, String kind) {
    }

    /** Present while the rule is on hold: automatic deployments are skipped until it is released. */
    public record Hold(String reason, OffsetDateTime since) {
    }
}
