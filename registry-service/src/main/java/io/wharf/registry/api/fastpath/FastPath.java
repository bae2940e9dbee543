package io.wharf.registry.api.fastpath;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.streams.ReadStream;
import io.wharf.registry.config.RegistryConfig;

/**
 * The registry's one entry to its speed tricks (see the package description): tapped upload
 * bodies and endpoint labels for the request metrics, both on or both off with
 * {@code wharf.registry.fast-path.enabled}.
 */
@ApplicationScoped
public class FastPath {

    /** Where Quarkus's HTTP server metrics look for a request's path template (a context local). */
    private static final String METRICS_PATH_TEMPLATE = "UrlPathTemplate";

    private final boolean enabled;

    public FastPath(RegistryConfig config) {
        this.enabled = config.fastPath().enabled();
    }

    /**
     * The request's body as {@link BodyTap} took it from the connection, paused; or {@code null} when
     * its body goes through Vert.x (the switch is off, or the request is not a tapped upload). Must
     * be called on the request's event loop before anything reads the body. A tapped body's buffers
     * are released after each handler call: a handler must copy what it keeps.
     */
    public ReadStream<Buffer> claimBody(HttpServerRequest request) {
        return enabled ? BodyTap.claim(request) : null;
    }

    /**
     * Labels the request's metrics with {@code template} (its endpoint) instead of its path. With the
     * switch off, Quarkus labels it by {@link MetricsMatchPatterns} instead.
     */
    public void labelMetrics(HttpServerRequest request, String template) {
        if (enabled) {
            ((HttpServerRequestInternal) request).context().putLocal(METRICS_PATH_TEMPLATE, template);
        }
    }

    /** How many body bytes reached endpoints through taps (not through Vert.x) in this process. */
    public static long tappedBytes() {
        return BodyTap.tappedBytes();
    }
}
