package io.wharf.deployer.targets.kubernetes;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the Kubernetes deploy target. */
@ConfigMapping(prefix = "wharf.deployer.kubernetes")
public interface KubernetesTargetConfig {

    /** How often the rollout status is read while a change is verified. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * The deployer's own namespace, where no rule may deploy unless its target allows Wharf's own
     * workloads. Default: the namespace of the deployer's Kubernetes client (in a cluster, the pod's).
     */
    Optional<String> ownNamespace();
}
