/**
 * The registry's speed tricks that lean on Vert.x and Quarkus internals, kept in one place behind
 * one switch, {@code wharf.registry.fast-path.enabled} (default on; see
 * {@link io.wharf.registry.config.RegistryConfig.FastPath}). Nothing outside this package touches
 * those internals; {@link io.wharf.registry.api.fastpath.FastPath} is the only entry.
 *
 * <h2>What it does, and why</h2>
 * <ul>
 * <li><b>Upload bodies straight from Netty</b> ({@code BodyTap}, {@code TappedBody}). Vert.x copies
 * every network buffer of a request body into a fresh heap array before the application sees it;
 * for a blob upload, whose bytes are hashed and copied into an aligned buffer for disk anyway, that
 * copy, its allocation and its garbage are pure overhead (push throughput and CPU per pushed byte
 * in BENCHMARKS.md). The tap hands the pooled buffers to the endpoint instead.</li>
 * <li><b>The request metrics' {@code uri} label from the parsed endpoint.</b> {@code /v2/} paths carry
 * repository names, tags and digests, so the label must be a template. Quarkus's own way, regular
 * expressions ({@code quarkus.micrometer.binder.http-server.match-patterns}), costs five regex
 * matches per request; the registry already parsed the path, so it names the template itself.</li>
 * </ul>
 *
 * <h2>With the switch off</h2>
 * Upload bodies go through Vert.x's ordinary body handling (the paused request is the stream), and
 * {@link io.wharf.registry.api.fastpath.MetricsMatchPatterns} hands Quarkus the equivalent
 * match patterns, so the labels stay the same. Behaviour is otherwise identical (the
 * {@code FastPathOffTest} runs pushes and pulls that way).
 *
 * <h2>Internals relied on, and what to check on a Quarkus (Vert.x, Netty) upgrade</h2>
 * <ul>
 * <li>{@code io.vertx.core.net.impl.ConnectionBase#channelHandlerContext()}: the Netty pipeline of
 * an HTTP/1.x connection, with Vert.x's handler in it ({@code BodyTap} is added just before it).
 * Check that it still exists and that Vert.x still reads {@code HttpRequest}/{@code HttpContent}
 * messages from the pipeline (its HTTP/1.x server connection).</li>
 * <li>{@code io.vertx.core.impl.ContextInternal#dispatch}: runs a tapped body's handlers on the
 * request's context, as Vert.x runs its own body handlers.</li>
 * <li>{@code io.vertx.core.http.impl.HttpServerRequestInternal#context()} and the context local
 * {@code "UrlPathTemplate"}, which quarkus-micrometer's {@code HttpRequestMetric} reads when no
 * match pattern applied (see its {@code getNormalizedUriPath} and {@code applyTemplateMatching}).
 * Check that the key and that precedence are unchanged.</li>
 * </ul>
 * The tests that fail when one of these changes: {@code TappedUploadTest} (bodies are tapped and
 * stored exactly), {@code HealthTest#requestMetricsAreLabelledByEndpoint} (labels), and the upload
 * tests in general. If an upgrade breaks the tap, turning the switch off is a safe stop-gap.
 */
package io.wharf.registry.api.fastpath;
