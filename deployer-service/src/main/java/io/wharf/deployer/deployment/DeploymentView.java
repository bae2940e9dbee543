package io.wharf.deployer.deployment;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A deployment as the history API shows it. States: waiting, awaiting_approval, applying, succeeded,
 * failed, rolled_back, planned (dry run), skipped, superseded, rejected. {@code approvalsRequired} is the
 * count fixed when it was planned; {@code pushedBy} the actor of the push behind it, who may not approve it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentView(UUID id, UUID ruleId, String project, String trigger, String eventId, String repository,
        String tag, String fromDigest, String toDigest, String fromImage, String image, String state, String reason,
        boolean dryRun, String requestedBy, String pushedBy, int approvalsRequired, List<String> approvedBy,
        OffsetDateTime eventTime, OffsetDateTime notBefore, OffsetDateTime createdAt, OffsetDateTime startedAt,
        OffsetDateTime finishedAt, OffsetDateTime updatedAt) {

    static DeploymentView of(Deployment d, List<String> approvedBy) {
        return new DeploymentView(d.id, d.ruleId, d.project, d.trigger.name().toLowerCase(java.util.Locale.ROOT), d.eventId,
                d.repository, d.tag, d.fromDigest, d.digest, d.fromImage, d.image, d.state.label(), d.reason, d.dryRun,
                d.requestedBy, d.pushedBy, d.approvalsRequired, approvedBy, d.eventTime, d.notBefore, d.createdAt,
                d.startedAt, d.finishedAt, d.updatedAt);
    }
}
