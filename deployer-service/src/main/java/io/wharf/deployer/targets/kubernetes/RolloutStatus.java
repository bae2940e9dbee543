package io.wharf.deployer.targets.kubernetes;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;

/**
 * Reads a workload's status the way {@code kubectl rollout status} does. Each {@code of} answers null
 * when the rollout of {@code generation} is complete, otherwise what it is still waiting for.
 */
final class RolloutStatus {

    private RolloutStatus() {
    }

    /** The Deployment controller's verdict that the rollout stalled, or null. */
    static String deadlineExceeded(Deployment d) {
        DeploymentStatus status = d.getStatus();
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream()
                .filter(c -> "Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason()))
                .map(c -> "ProgressDeadlineExceeded: " + (c.getMessage() == null ? "no progress within the deadline" : c.getMessage()))
                .findFirst().orElse(null);
    }

    static String of(Deployment d, long generation) {
        DeploymentStatus status = d.getStatus();
        if (status == null || observed(status.getObservedGeneration()) < generation) {
            return "waiting for the controller to observe generation " + generation;
        }
        int replicas = replicas(d.getSpec().getReplicas());
        int updated = count(status.getUpdatedReplicas());
        if (updated < replicas) {
            return updated + " of " + replicas + " replicas updated";
        }
        int old = count(status.getReplicas()) - updated;
        if (old > 0) {
            return old + " old replicas pending termination";
        }
        int available = count(status.getAvailableReplicas());
        return available < replicas ? available + " of " + replicas + " updated replicas available" : null;
    }

    /** A StatefulSet with the OnDelete strategy never replaces its pods by itself. */
    static String onDelete(StatefulSet st) {
        var strategy = st.getSpec().getUpdateStrategy();
        return strategy != null && "OnDelete".equals(strategy.getType())
                ? "the OnDelete update strategy replaces pods only when they are deleted"
                : null;
    }

    static String of(StatefulSet st, long generation) {
        StatefulSetStatus status = st.getStatus();
        if (status == null || observed(status.getObservedGeneration()) < generation) {
            return "waiting for the controller to observe generation " + generation;
        }
        int replicas = replicas(st.getSpec().getReplicas());
        int updated = count(status.getUpdatedReplicas());
        if (updated < replicas) {
            return updated + " of " + replicas + " replicas updated";
        }
        int ready = count(status.getReadyReplicas());
        if (ready < replicas) {
            return ready + " of " + replicas + " replicas ready";
        }
        if (status.getAvailableReplicas() != null && status.getAvailableReplicas() < replicas) {
            return status.getAvailableReplicas() + " of " + replicas + " replicas available";
        }
        if (status.getUpdateRevision() != null && !status.getUpdateRevision().equals(status.getCurrentRevision())) {
            return "waiting for revision " + status.getUpdateRevision() + " to become current";
        }
        return null;
    }

    static String of(DaemonSet ds, long generation) {
        DaemonSetStatus status = ds.getStatus();
        if (status == null || observed(status.getObservedGeneration()) < generation) {
            return "waiting for the controller to observe generation " + generation;
        }
        int desired = count(status.getDesiredNumberScheduled());
        int updated = count(status.getUpdatedNumberScheduled());
        if (updated < desired) {
            return updated + " of " + desired + " nodes run the updated pod";
        }
        int available = count(status.getNumberAvailable());
        return available < desired ? available + " of " + desired + " updated pods available" : null;
    }

    private static long observed(Long generation) {
        return generation == null ? -1 : generation;
    }

    private static int replicas(Integer specReplicas) {
        return specReplicas == null ? 1 : specReplicas;
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
