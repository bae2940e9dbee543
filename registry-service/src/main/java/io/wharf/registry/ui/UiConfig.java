package io.wharf.registry.ui;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The web UI's settings, under {@code wharf.ui}. */
@ConfigMapping(prefix = "wharf.ui")
public interface UiConfig {

    /**
     * Base URL of the notifier-service the UI reaches through {@code /ui-api/notifier/}
     * (the browser cannot call another origin: the registry passes its calls on).
     */
    String notifierUrl();

    /** Base URL of the deployer-service the UI reaches through {@code /ui-api/deployer/}. */
    String deployerUrl();

    /** How long a passed-on call may stay silent (no bytes either way) before it is given up, in milliseconds. */
    @WithDefault("30000")
    int proxyIdleTimeoutMillis();
}
