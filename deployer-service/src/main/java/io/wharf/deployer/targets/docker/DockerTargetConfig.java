package io.wharf.deployer.targets.docker;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the Docker host deploy target. */
@ConfigMapping(prefix = "wharf.deployer.docker")
public interface DockerTargetConfig {

    /** How often the new container's state is read while a change is verified. */
    @WithDefault("500ms")
    Duration pollInterval();

    /**
     * How long a container without a health check must stay running, unrestarted, before a deployment
     * to it counts as a success.
     */
    @WithDefault("3s")
    Duration minUptime();

    /** How long the old container gets to stop (SIGTERM, then SIGKILL) when it is replaced. */
    @WithDefault("10s")
    Duration stopTimeout();

    /** Longest silence on one Engine API call (a pull streams progress, so this bounds a stalled pull). */
    @WithDefault("120s")
    Duration callIdleTimeout();
}
