package io.wharf.deployer.targets.kubernetes;

import io.wharf.deployer.targets.TargetSettings;

/**
 * Where a Kubernetes rule deploys: one container of one workload.
 *
 * @param workload  Deployment, StatefulSet or DaemonSet
 * @param namespace the workload's namespace
 * @param name      the workload's name
 * @param container the container (in the pod template) whose image is replaced; the others are left alone
 * @param context   optional kubeconfig context to use; null for fabric8's automatic configuration
 *                  (in-cluster service account, else {@code ~/.kube/config}'s current context)
 */
public record KubernetesSettings(WorkloadKind workload, String namespace, String name, String container, String context)
        implements TargetSettings {

    @Override
    public String displayName() {
        return workload.label() + " " + namespace + "/" + name + " container " + container
                + (context == null ? "" : " (context " + context + ")");
    }

    /** Holds no secret: credentials come from the service account or the kubeconfig, never from the rule. */
    @Override
    public KubernetesSettings redacted() {
        return this;
    }

    String describe() {
        return workload.label() + " " + namespace + "/" + name;
    }
}
