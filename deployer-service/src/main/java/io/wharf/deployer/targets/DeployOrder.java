package io.wharf.deployer.targets;

import java.util.Objects;

/**
 * What a target is asked to run.
 *
 * @param deploymentId  the deployment (history row) this change belongs to
 * @param ruleId        the rule that matched
 * @param eventId       the registry event that triggered it (for rollbacks: the event of the deployment rolled back)
 * @param repository    repository, as in the registry ({@code project/name})
 * @param tag           tag that was pushed (may be null for a rollback to a bare digest)
 * @param digest        manifest digest to run
 * @param image         full reference to apply, {@code host/repository:tag@digest} (or {@code host/repository@digest})
 * @param previousImage what the target ran before, when known
 */
public record DeployOrder(String deploymentId, String ruleId, String eventId, String repository, String tag,
        String digest, String image, String previousImage) {

    public DeployOrder {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(image, "image");
    }
}
