package io.wharf.registry.proxy;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * Talks to upstream registries as a registry client does: a request goes out with the token this
 * instance holds for its upstream and scope, if any; a {@code 401} is answered as its
 * {@code WWW-Authenticate} asks — a Bearer challenge by fetching a token from the realm (with the
 * upstream credentials as Basic, when the project has some), a Basic challenge with the credentials —
 * and the request is sent once more. Tokens are kept for their lifetime ({@code expires_in}, 60 s when
 * absent). Every request keeps to the upstream's manners ({@link UpstreamManners}: a concurrency limit, a
 * circuit breaker, its rate limit noted). Small answers (manifests, tokens, HEADs) come whole through the Vert.x Web Client; blobs
 * come as a stream from the HTTP client under it.
 */
@ApplicationScoped
public class UpstreamClient {

    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int MAX_REDIRECTS = 3;

    /** An upstream answer read whole. */
    public record Answer(int status, io.vertx.core.MultiMap headers, Buffer body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private record Token(String header, long expiresAtNanos) {
    }

    private final HttpClient http;
    private final WebClient web;
    private final ProxyConfig config;
    private final UpstreamManners manners;
    private final Cache<String, Token> tokens = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(1, TimeUnit.HOURS).build();

    public UpstreamClient(Vertx vertx, ProxyConfig config, UpstreamManners manners) {
        this.config = config;
        this.manners = manners;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setTrustAll(false)
                .setVerifyHost(true)
                .setMaxPoolSize(32));
        this.web = WebClient.wrap(http);
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /** The pull scope of an upstream repository, as a token request names it. */
    static String pullScope(String path) {
        return "repository:" + path + ":pull";
    }

    /** A GET or HEAD of {@code target}, its answer read whole (redirects followed by the client). */
    public Uni<Answer> send(Upstream upstream, HttpMethod method, URI target, String accept, String scope) {
        return manners.request(upstream, () -> withAuth(upstream, scope, auth -> {
            HttpRequest<Buffer> request = web.requestAbs(method, target.toString())
                    .timeout(config.requestTimeout().toMillis())
                    .followRedirects(true);
            if (accept != null) {
                request.putHeader("Accept", accept);
            }
            if (auth != null) {
                request.putHeader("Authorization", auth);
            }
            return uni(request.send()).map(r -> new Answer(r.statusCode(), r.headers(), r.body() == null ? Buffer.buffer() : r.body()));
        }, a -> a.status() == 401 ? a.header("WWW-Authenticate") : null), Answer::status)
                .invoke(a -> manners.rateLimit(upstream, a.headers()));
    }

    /**
     * A GET of a blob, its answer as a stream, paused: the caller reads or discards it. A redirect
     * (registries send clients to object storage) is followed without the upstream's credentials. Takes no
     * place in the upstream's concurrency limit: the caller holds one for the whole download.
     */
    public Uni<HttpClientResponse> openBlob(Upstream upstream, URI target, String scope) {
        return manners.guarded(upstream, () -> withAuth(upstream, scope, auth -> stream(target, auth, 0), r -> {
            if (r.statusCode() != 401) {
                return null;
            }
            r.resume(); // the refused answer's body is read and dropped
            return r.getHeader("WWW-Authenticate");
        }), HttpClientResponse::statusCode).invoke(r -> manners.rateLimit(upstream, r.headers()));
    }

    private Uni<HttpClientResponse> stream(URI target, String auth, int redirects) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(target.toString())
                .setIdleTimeout(config.blobIdleTimeout().toMillis());
        if (auth != null) {
            options.putHeader("Authorization", auth);
        }
        return uni(http.request(options).compose(req -> req.send()).map(r -> {
            r.pause();
            return r;
        })).chain(r -> {
            String location = r.getHeader("Location");
            if (r.statusCode() / 100 == 3 && location != null && redirects < MAX_REDIRECTS) {
                r.resume();
                return stream(target.resolve(location), null, redirects + 1);
            }
            return Uni.createFrom().item(r);
        });
    }

    /**
     * Runs {@code attempt} with the header this instance holds for the upstream and scope (or none);
     * when {@code challenge} finds a 401's challenge in the answer, meets it and runs the attempt once more.
     */
    private <R> Uni<R> withAuth(Upstream upstream, String scope, Function<String, Uni<R>> attempt, Function<R, String> challenge) {
        String key = upstream.url() + " " + (upstream.hasCredentials() ? upstream.username() : "") + " " + scope;
        Token held = tokens.getIfPresent(key);
        String header = held != null && held.expiresAtNanos() - System.nanoTime() > 0 ? held.header() : null;
        return attempt.apply(header).chain(answer -> {
            String asked = challenge.apply(answer);
            if (asked == null) {
                return Uni.createFrom().item(answer);
            }
            tokens.invalidate(key);
            return authorization(upstream, asked, scope)
                    .invoke(token -> tokens.put(key, token))
                    .chain(token -> attempt.apply(token.header()));
        });
    }

    /** What to send to meet the challenge: a Bearer token from its realm, or Basic credentials. */
    private Uni<Token> authorization(Upstream upstream, String challenge, String scope) {
        String scheme = challenge.trim().split("\\s+", 2)[0];
        if (scheme.equalsIgnoreCase("Basic")) {
            if (!upstream.hasCredentials()) {
                return Uni.createFrom().failure(new UpstreamException(401, "the upstream asks for credentials and the proxy project has none"));
            }
            return Uni.createFrom().item(new Token(basic(upstream), Long.MAX_VALUE));
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            return Uni.createFrom().failure(new UpstreamException(401, "the upstream asks for " + scheme + " authentication, which Wharf does not speak"));
        }
        Map<String, String> params = new HashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            return Uni.createFrom().failure(new UpstreamException(401, "the upstream's Bearer challenge names no realm"));
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (params.containsKey("service")) {
            url.append("service=").append(encode(params.get("service"))).append('&');
        }
        url.append("scope=").append(encode(params.getOrDefault("scope", scope)));
        HttpRequest<Buffer> request = web.getAbs(url.toString()).timeout(config.requestTimeout().toMillis());
        if (upstream.hasCredentials()) {
            request.putHeader("Authorization", basic(upstream));
        }
        long asked = System.nanoTime();
        return uni(request.send()).map(r -> token(r, asked));
    }

    private static Token token(HttpResponse<Buffer> r, long asked) {
        if (r.statusCode() != 200) {
            throw new UpstreamException(r.statusCode(), "the upstream's token service answered " + r.statusCode());
        }
        JsonObject json;
        try {
            json = r.bodyAsJsonObject();
        } catch (RuntimeException e) {
            throw new UpstreamException(502, "the upstream's token service answered no JSON");
        }
        String token = json == null ? null : json.getString("token", json.getString("access_token"));
        if (token == null) {
            throw new UpstreamException(502, "the upstream's token service answered no token");
        }
        long seconds = Math.max(10, json.getLong("expires_in", 60L));
        // Forget it a little early, so that a request does not go out with a token that expires on the way.
        return new Token("Bearer " + token, asked + TimeUnit.SECONDS.toNanos(seconds - 5));
    }

    private static String basic(Upstream upstream) {
        return "Basic " + Base64.getEncoder().encodeToString((upstream.username() + ":" + upstream.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static <T> Uni<T> uni(Future<T> future) {
        return Uni.createFrom().completionStage(() -> future.toCompletionStage());
    }
}
