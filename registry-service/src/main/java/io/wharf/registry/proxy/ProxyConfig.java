package io.wharf.registry.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Proxy projects' settings, under {@code wharf.proxy}. */
@ConfigMapping(prefix = "wharf.proxy")
public interface ProxyConfig {

    /** The setting the sealing key comes from, named in errors about it. */
    String KEY_SETTING = "wharf.proxy.secrets-key";

    /**
     * Key (base64 of 32 bytes) that seals upstream passwords in the database with AES-GCM. Set it from
     * the environment ({@code WHARF_PROXY_SECRETS_KEY}); without it proxy projects with credentials
     * cannot be created, and changing it makes stored passwords unreadable.
     */
    Optional<String> secretsKey();

    /** Time to establish a connection to an upstream. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time for a whole upstream answer to a manifest, token or HEAD request. */
    @WithDefault("20s")
    Duration requestTimeout();

    /** Time a blob download from upstream may go without receiving a byte. */
    @WithDefault("60s")
    Duration blobIdleTimeout();

    /** How long this instance remembers whether a project is a proxy, and its settings. */
    @WithDefault("10s")
    Duration settingsTtl();

    /**
     * Upstream fetches of missing content this instance runs at once (each holds a database connection
     * for its cross-instance lock; keep it well below the reactive pool's size). More wait their turn.
     */
    @WithDefault("8")
    int fetchFlights();

    /** Requests this instance sends one upstream (scheme, host and port) at once; a blob download counts as one. More wait their turn. */
    @WithDefault("16")
    int upstreamConcurrency();

    /** When an upstream is given a rest after failing ({@link UpstreamManners}). */
    Breaker breaker();

    /** Where upstreams may be: checked when a proxy project is created (SSRF). */
    Outbound outbound();

    interface Breaker {
        /** Failures in a row (no answer, 429, 5xx) that open an upstream's circuit. */
        @WithDefault("5")
        int failures();

        /** How long an open circuit keeps requests from the upstream before one tries it again. */
        @WithDefault("30s")
        Duration openFor();
    }

    interface Outbound {
        /** Allow upstreams that resolve to loopback, link-local, private or metadata addresses. Off by default (SSRF). */
        @WithDefault("false")
        boolean allowPrivate();

        /** Networks (CIDR, e.g. {@code 10.20.0.0/16} for a registry inside the network) allowed although private. */
        Optional<List<String>> allowedNetworks();
    }
}
