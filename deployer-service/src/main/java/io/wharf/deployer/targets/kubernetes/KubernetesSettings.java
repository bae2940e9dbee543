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
 * @param allowWharf whether the target may change Wharf's own workloads (labelled
 *                   {@code app.kubernetes.io/part-of: wharf}); false refuses them when the workload is read
 */
public record KubernetesSettings(WorkloadKind workload, String namespace, String name, String container, String context,
        boolean allowWharf) implements TargetSettings {

    /** Settings of a target that may not change Wharf's own workloads. */
    public KubernetesSettings(WorkloadKind workload, String namespace, String name, String container, String context) {
        this(workload, namespace, name, container, context, false);
    }

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
