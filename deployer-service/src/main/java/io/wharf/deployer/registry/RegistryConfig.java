package io.wharf.deployer.registry;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the deployer reaches registry-service's API, under {@code wharf.deployer} beside its other settings. */
@ConfigMapping(prefix = "wharf.deployer")
public interface RegistryConfig {

    /**
     * Base URL of registry-service's management API as the deployer reaches it (e.g.
     * {@code http://registry-service:5000}). An approval asks it for the approver's current role in the
     * deployment's project ({@code GET /api/v1/projects/{name}} with the approver's own token).
     */
    String registryUrl();

    /** How long the registry may take to answer that question before the approval is refused (503). */
    @WithDefault("5s")
    Duration registryTimeout();
}
