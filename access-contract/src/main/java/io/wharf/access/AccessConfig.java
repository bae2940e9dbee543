package io.wharf.access;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the notifier and the deployer learn their callers' current rights ({@link RegistryRoles}):
 * registry-service, which owns accounts and memberships, and how long its answer counts.
 */
@ConfigMapping(prefix = "wharf.access")
public interface AccessConfig {

    /**
     * Base URL of registry-service's API as this service reaches it (e.g.
     * {@code http://registry-service:5000}). Asked {@code GET /api/v1/users/me} with each caller's own
     * API token.
     */
    String registryUrl();

    /**
     * How long the registry's answer for one token is used before it is asked again: the longest a
     * role taken away, an account deleted or a token revoked in the registry still counts here.
     */
    @WithDefault("30s")
    Duration rolesTtl();

    /** How long the registry may take to answer before the request is refused (503). */
    @WithDefault("5s")
    Duration registryTimeout();

    /** How many tokens' answers are kept at most; the least recently used go first beyond. */
    @WithDefault("10000")
    long rolesCacheSize();
}
