package io.wharf.registry;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * A small HTTP proxy in front of an upstream registry that records every request it forwards
 * ({@code METHOD /path}) and can be told to answer a status of its own instead (an upstream
 * failing: 503, 429), to answer late, or be closed (an upstream that cannot be reached). Bodies are streamed both ways.
 */
final class CountingProxy implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    private final HttpClient client;
    private final int upstreamPort;
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    private volatile int failWith;
    private volatile boolean corruptBlobs;
    private volatile long delayMillis;
    private volatile String[] rateLimit;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

    private CountingProxy(Vertx vertx, int upstreamPort) {
        this.vertx = vertx;
        this.upstreamPort = upstreamPort;
        this.client = vertx.createHttpClient();
        this.server = vertx.createHttpServer().requestHandler(this::forward);
    }

    static CountingProxy start(Vertx vertx, int upstreamPort) throws Exception {
        CountingProxy proxy = new CountingProxy(vertx, upstreamPort);
        proxy.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return proxy;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    /** Answer every request with this status from now on (0: forward again). */
    void failWith(int status) {
        this.failWith = status;
    }

    /** Change the last byte of every blob served from now on (false: serve them as they are). */
    void corruptBlobs(boolean corrupt) {
        this.corruptBlobs = corrupt;
    }

    /** Hold every request this long before forwarding it from now on (0: at once): a slow upstream. */
    void delay(java.time.Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    /** Add {@code RateLimit-Limit} and {@code RateLimit-Remaining} (lower case, as Docker Hub sends them) to every answer from now on. */
    void rateLimit(String limit, String remaining) {
        this.rateLimit = new String[] {limit, remaining};
    }

    /** The most requests that were under way at once since the last call, and starts counting again. */
    int mostInFlight() {
        return mostInFlight.getAndSet(inFlight.get());
    }

    /** The requests forwarded (or failed) since the last call, and forgets them. */
    List<String> take() {
        List<String> seen = new java.util.ArrayList<>();
        String r;
        while ((r = requests.poll()) != null) {
            seen.add(r);
        }
        return seen;
    }

    private void forward(HttpServerRequest in) {
        requests.add(in.method() + " " + in.path());
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable over = () -> {
            if (done.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        in.response().endHandler(v -> over.run());
        in.response().closeHandler(v -> over.run());
        String[] limits = rateLimit;
        if (limits != null) {
            in.response().putHeader("ratelimit-limit", limits[0]).putHeader("ratelimit-remaining", limits[1]);
        }
        if (failWith != 0) {
            in.response().setStatusCode(failWith).putHeader("Retry-After", "30").end("failing on purpose");
            return;
        }
        in.pause();
        if (delayMillis > 0) {
            vertx.setTimer(delayMillis, t -> send(in));
        } else {
            send(in);
        }
    }

    private void send(HttpServerRequest in) {
        // Sent to the upstream as it was addressed (Host kept): a token realm it derives from the host names this proxy.
        RequestOptions options = new RequestOptions().setMethod(in.method()).setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(upstreamPort, "127.0.0.1"))
                .setHost(in.authority().host()).setPort(in.authority().port()).setURI(in.uri());
        in.headers().forEach(h -> {
            if (!h.getKey().equalsIgnoreCase("Host")) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        client.request(options)
                .compose(out -> out.send(in))
                .onSuccess(answer -> {
                    in.response().setStatusCode(answer.statusCode());
                    answer.headers().forEach(h -> in.response().headers().add(h.getKey(), h.getValue()));
                    if (corruptBlobs && answer.statusCode() == 200 && in.method() == HttpMethod.GET && in.path().contains("/blobs/")) {
                        answer.body().onSuccess(body -> {
                            byte[] bytes = body.getBytes();
                            bytes[bytes.length - 1] ^= 1;
                            in.response().end(Buffer.buffer(bytes));
                        });
                        return;
                    }
                    answer.pipeTo(in.response());
                })
                .onFailure(e -> in.response().setStatusCode(502).end("upstream unreachable: " + e.getMessage()));
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.close();
    }
}
