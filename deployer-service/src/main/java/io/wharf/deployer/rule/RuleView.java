package io.wharf.deployer.rule;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule as the API shows it: target settings redacted. {@code secret} is present only in the answer
 * that created the rule (or replaced its secret), the one time it is shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleView(UUID id, String name, String project, String repository, RuleRequest.Policy tagPolicy,
        TargetView target, boolean enabled, boolean dryRun, int approvalsRequired, String debounce,
        String minInterval, RuleRequest.Window window, Hold hold, String lastVersion, String createdBy,
        OffsetDateTime createdAt, OffsetDateTime updatedAt, String secret) {

    public record TargetView(String kind, String displayName, JsonNode settings) {
    }

    /** Present while the rule is on hold: automatic deployments are skipped until it is released. */
    public record Hold(String reason, OffsetDateTime since) {
    }
}
