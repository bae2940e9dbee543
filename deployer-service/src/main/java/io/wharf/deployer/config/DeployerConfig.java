package io.wharf.deployer.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The deployer's own settings, under {@code wharf.deployer}. */
@ConfigMapping(prefix = "wharf.deployer")
public interface DeployerConfig {

    /** Registry host (and port) written into applied images: {@code <host>/<repo>:<tag>@<digest>}. */
    @WithDefault("localhost:5000")
    String registryHost();

    /** How long a target may take to become available with a new image before the change counts as failed. */
    @WithDefault("5m")
    Duration verifyTimeout();

    /** How often due deployments and unpublished events are looked for (a safety net: new work is started at once). */
    @WithDefault("1s")
    Duration sweepInterval();

    /**
     * Key (base64 of 32 bytes) that seals target secrets (HTTP hook signing secrets) in the database
     * with AES-GCM. Set it from the environment ({@code WHARF_DEPLOYER_SECRETS_KEY}); changing it makes
     * stored secrets unreadable.
     */
    String secretsKey();

    /** Outbound HTTP of deploy hooks. */
    Outbound outbound();

    interface Outbound {
        /** Allow hooks on private, loopback and link-local addresses (trusted networks only). */
        @WithDefault("false")
        boolean allowPrivate();

        /** Networks (CIDR) allowed even though private, e.g. {@code 10.1.0.0/16}. */
        Optional<List<String>> allowedNetworks();

        /** Time to establish a connection. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Time for a whole hook request, answer included, unless the rule sets its own. */
        @WithDefault("30s")
        Duration requestTimeout();
    }
}
