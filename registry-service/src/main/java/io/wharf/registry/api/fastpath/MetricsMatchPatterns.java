package io.wharf.registry.api.fastpath;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * With the fast path off ({@code wharf.registry.fast-path.enabled=false}), gives Quarkus's HTTP
 * metrics match patterns that label each {@code /v2/} request with its endpoint's template, the
 * labels {@link FastPath#labelMetrics} sets when it is on, so the request metrics stay bounded and
 * named alike either way. The patterns are a default (ordinal {@value #ORDINAL}, below
 * application.properties and the environment): setting
 * {@code quarkus.micrometer.binder.http-server.match-patterns} replaces them. With the fast path on,
 * this source is empty: the patterns would cost a regex match per request and, as Quarkus applies
 * them before the endpoint's label, take over from it.
 */
public class MetricsMatchPatterns implements ConfigSourceFactory {

    static final int ORDINAL = 100;
    static final String PROPERTY = "quarkus.micrometer.binder.http-server.match-patterns";

    /** Regex=label, tried in order; the labels are the endpoint templates of the registry's routes. */
    static final String PATTERNS = String.join(",",
            "/v2/.+/blobs/uploads/.+=/v2/{name}/blobs/uploads/{uuid}",
            "/v2/.+/blobs/uploads/?=/v2/{name}/blobs/uploads",
            "/v2/.+/blobs/.+=/v2/{name}/blobs/{digest}",
            "/v2/.+/manifests/.+=/v2/{name}/manifests/{reference}",
            "/v2/.+/tags/list=/v2/{name}/tags/list",
            "/v2/.+/referrers/.+=/v2/{name}/referrers/{digest}");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue enabled = context.getValue("wharf.registry.fast-path.enabled");
        // Only an explicit "false" turns the fast path off; its default (on) lives in RegistryConfig.
        if (enabled == null || !"false".equalsIgnoreCase(enabled.getValue())) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(PROPERTY, PATTERNS), "wharf fast path off: metrics match patterns", ORDINAL));
    }
}
