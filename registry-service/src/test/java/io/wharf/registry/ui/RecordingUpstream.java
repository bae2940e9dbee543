package io.wharf.registry.ui;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for the notifier and the deployer: it keeps every request it
 * gets and answers 201 with a JSON body, a Location and a header the pass-through must drop.
 * The registry's UI settings point at it (the deployer under the base path {@code /deployer-base}).
 */
public class RecordingUpstream implements QuarkusTestResourceLifecycleManager {

    /** One request as the upstream saw it. */
    public record Seen(String method, String path, String query, Headers headers, String body) {
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            SEEN.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body));
            byte[] answer = ("{\"upstreamPath\":\"" + exchange.getRequestURI().getRawPath() + "\",\"bodyLength\":" + body.length() + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Location", "/api/v1/subscriptions/42");
            exchange.getResponseHeaders().add("Set-Cookie", "upstream=1");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("wharf.ui.notifier-url", base, "wharf.ui.deployer-url", base + "/deployer-base");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
