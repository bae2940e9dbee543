package io.wharf.deployer.targets.kubernetes;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the Kubernetes deploy target. */
@ConfigMapping(prefix = "wharf.deployer.kubernetes")
public interface KubernetesTargetConfig {

    /** How often the rollout status is read while a change is verified. */
    @WithDefault("1s")
    Duration pollInterval();
}
