package io.wharf.registry.ui;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.problem.Problem;

/**
 * A same-origin pass-through for the web UI: {@code /ui-api/notifier/api/v1/...} goes to the
 * notifier's {@code /api/v1/...}, {@code /ui-api/deployer/api/v1/...} to the deployer's (base URLs
 * from {@link UiConfig}). Bodies stream both ways with back-pressure.
 * <p>
 * Guarantees: only those two prefixes are passed on (anything else, and any path with a dot
 * segment, backslash or encoded slash or dot, is refused with 404 before a connection is made);
 * only {@code Authorization}, {@code Content-Type}, {@code Accept} and the body's length go out,
 * so the registry's cookies and other headers never reach the other services; only the
 * answer's status, body and a few descriptive headers come back. Credentials are never logged.
 */
@ApplicationScoped
public class UiProxy {

    private static final Logger LOG = Logger.getLogger(UiProxy.class);

    static final String PREFIX = "/ui-api/";
    private static final String API = "/api/v1/";
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);
    private static final List<CharSequence> REQUEST_HEADERS = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT);
    private static final List<CharSequence> RESPONSE_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH, HttpHeaders.LOCATION,
            HttpHeaders.RETRY_AFTER, "Link");
    /** What a path under a prefix may contain: no dot segments, backslashes or percent-encoded slashes and dots. */
    private static final Pattern UNSAFE = Pattern.compile("(^|/)\\.{1,2}(/|$)|\\\\|%2[eEfF]|%5[cC]|//");

    private final Map<String, URI> targets;
    private final HttpClient client;
    private final int idleTimeoutMillis;

    public UiProxy(UiConfig config, Vertx vertx) {
        this.targets = Map.of("notifier", base(config.notifierUrl()), "deployer", base(config.deployerUrl()));
        this.idleTimeoutMillis = config.proxyIdleTimeoutMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000).setKeepAlive(true));
    }

    private static URI base(String url) {
        URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("wharf.ui: not an http(s) URL: " + url);
        }
        return uri;
    }

    void install(@Observes Router router) {
        router.route(PREFIX + "*").handler(this::forward);
    }

    /** The upstream URL for a request path and query, or null when the path may not be passed on. */
    URI target(String path, String query) {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return null;
        }
        URI base = targets.get(rest.substring(0, slash));
        String upstreamPath = rest.substring(slash);
        if (base == null || !upstreamPath.startsWith(API) || UNSAFE.matcher(upstreamPath).find()) {
            return null;
        }
        return URI.create(base + upstreamPath + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    private void forward(RoutingContext ctx) {
        HttpServerRequest in = ctx.request();
        URI target = target(in.path(), in.query());
        if (target == null) {
            problem(ctx.response(), 404, "NOT_FOUND", "only /ui-api/notifier/api/v1/ and /ui-api/deployer/api/v1/ are passed on");
            return;
        }
        if (!METHODS.contains(in.method())) {
            problem(ctx.response(), 405, "METHOD_NOT_ALLOWED", "method " + in.method() + " is not passed on");
            return;
        }
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setAbsoluteURI(target.toString())
                .setIdleTimeout(idleTimeoutMillis);
        client.request(options).compose(out -> {
            for (CharSequence name : REQUEST_HEADERS) {
                String value = in.getHeader(name);
                if (value != null) {
                    out.putHeader(name, value);
                }
            }
            return send(in, out);
        }).onSuccess(answer -> relay(answer, ctx.response(), service(in.path()))).onFailure(e -> {
            LOG.warnf("UI pass-through to %s://%s:%d failed: %s", target.getScheme(), target.getHost(), target.getPort(), e.getMessage());
            if (!ctx.response().headWritten()) {
                problem(ctx.response(), 502, "BAD_GATEWAY", "the service behind " + in.path().split("/")[2] + " did not answer");
            } else {
                ctx.response().reset();
            }
        });
    }

    private static Future<HttpClientResponse> send(HttpServerRequest in, HttpClientRequest out) {
        String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = "chunked".equalsIgnoreCase(in.getHeader(HttpHeaders.TRANSFER_ENCODING));
        if (length == null && !chunked) {
            in.resume();
            return out.send();
        }
        if (length != null) {
            out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            out.setChunked(true);
        }
        return out.send(in);
    }

    private static String service(String path) {
        String rest = path.substring(PREFIX.length());
        return rest.substring(0, rest.indexOf('/'));
    }

    private void relay(HttpClientResponse answer, HttpServerResponse response, String service) {
        response.setStatusCode(answer.statusCode());
        for (CharSequence name : RESPONSE_HEADERS) {
            String value = answer.getHeader(name);
            if (value != null && HttpHeaders.LOCATION.equals(name)) {
                value = location(value, targets.get(service), service);
            }
            if (value != null) {
                response.putHeader(name, value);
            }
        }
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (answer.getHeader(HttpHeaders.CONTENT_LENGTH) == null && answer.statusCode() != 204 && answer.statusCode() != 304) {
            response.setChunked(true);
        }
        answer.pipeTo(response);
    }

    /**
     * An upstream's Location as the browser can follow it: through the pass-through. Locations
     * elsewhere than the service's API are dropped (they would name hosts the browser cannot reach).
     */
    static String location(String value, URI base, String service) {
        String path = value;
        String origin = base.getScheme() + "://" + base.getRawAuthority();
        if (path.startsWith(origin)) {
            path = path.substring(origin.length());
        }
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (!basePath.isEmpty() && path.startsWith(basePath + "/")) {
            path = path.substring(basePath.length());
        }
        return path.startsWith(API) ? PREFIX + service + path : null;
    }

    /** The pass-through's own refusals, in the management APIs' one error shape ({@link Problem}). */
    private static void problem(HttpServerResponse response, int status, String code, String message) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(Problem.of(status, code, message)));
    }
}
