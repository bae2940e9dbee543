package io.wharf.registry;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vertx.core.json.JsonObject;

/**
 * A client of {@code GET /api/v1/events/stream} as a browser's EventSource is: it reads the
 * {@code data:} lines of one stream on a thread of its own and sees the stream end.
 */
final class Sse implements AutoCloseable {

    /** One connection per stream (HTTP/1.1), so closing a stream closes its connection. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<JsonObject> events = new ArrayList<>();
    private volatile boolean ended;

    private Sse(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException e) {
                // closed by the test, or the connection was cut: the stream ended either way
            } finally {
                ended = true;
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens a stream with the given request headers (name, value, name, value…). */
    static Sse open(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return new Sse(CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS));
    }

    /** The Authorization header of a test account ({@link Accounts#PASSWORD}). */
    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + Accounts.PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    int status() {
        return response.statusCode();
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The whole body of a stream that was refused (it is short and ends). */
    JsonObject problem() {
        awaitEnd(Duration.ofSeconds(10));
        return new JsonObject(String.join("", lines));
    }

    /** The events received so far, in order. */
    synchronized List<JsonObject> events() {
        for (String line = lines.poll(); line != null; line = lines.poll()) {
            if (line.startsWith("data:")) {
                events.add(new JsonObject(line.substring(5).trim()));
            }
        }
        return List.copyOf(events);
    }

    /** Waits until at least {@code n} events arrived; returns them. */
    List<JsonObject> awaitEvents(int n) {
        return await(n + " events on the stream").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(this::events, seen -> seen.size() >= n);
    }

    /** Whether the server ended the stream. */
    boolean ended() {
        return ended;
    }

    /** Waits until the server ends the stream. */
    void awaitEnd(Duration within) {
        await("the server ends the stream").atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> ended);
    }

    @Override
    public void close() {
        response.body().close();
    }
}
