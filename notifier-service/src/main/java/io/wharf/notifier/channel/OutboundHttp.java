package io.wharf.notifier.channel;

import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import io.wharf.notifier.config.NotifierConfig;

/**
 * POSTs notification bodies over HTTP(S) with the Vert.x Web Client: the target is checked by
 * {@link OutboundGuard} and the connection goes to the address it checked; redirects are not
 * followed; connect and request time are bounded; only the first bytes of an answer are kept.
 * Never fails: every outcome is a {@link SendResult}.
 */
@ApplicationScoped
public class OutboundHttp {

    private final WebClient client;
    private final OutboundGuard guard;
    private final NotifierConfig.Outbound config;

    public OutboundHttp(Vertx vertx, OutboundGuard guard, NotifierConfig config) {
        this.guard = guard;
        this.config = config.outbound();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setForceSni(true)
                .setUserAgent("Wharf-Notifier/1")
                .setConnectTimeout((int) this.config.connectTimeout().toMillis()));
    }

    public Uni<SendResult> post(URI url, Map<String, String> headers, byte[] body) {
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            return Uni.createFrom().item(SendResult.refused("only http and https targets are allowed"));
        }
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String uri = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        long[] started = new long[1];
        return guard.resolve(url)
                .chain(address -> {
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                            .setHost(url.getHost()).setPort(port).setSsl(tls).setURI(uri)
                            .setTimeout(config.requestTimeout().toMillis());
                    var request = client.request(HttpMethod.POST,
                            SocketAddress.inetSocketAddress(port, address.getHostAddress()), options)
                            .as(BodyCodec.<String>newInstance(new CappedBodyCodec(config.responseExcerptBytes())));
                    headers.forEach(request::putHeader);
                    started[0] = System.nanoTime();
                    return request.sendBuffer(Buffer.buffer(body));
                })
                .map(response -> classify(response, millisSince(started[0])))
                .onFailure().recoverWithItem(failure -> {
                    if (failure instanceof RefusedTargetException) {
                        return SendResult.refused(failure.getMessage());
                    }
                    long latency = started[0] == 0 ? 0 : millisSince(started[0]);
                    return SendResult.retry(describe(failure), latency);
                });
    }

    private static SendResult classify(HttpResponse<String> response, long latency) {
        return SendResult.fromHttp(response.statusCode(), retryAfter(response.getHeader("Retry-After")), latency,
                response.body());
    }

    /** Reads {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                Duration wait = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static String describe(Throwable failure) {
        String name = failure.getClass().getSimpleName();
        return failure.getMessage() == null ? name : name + ": " + failure.getMessage();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
