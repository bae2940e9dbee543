package io.wharf.deployer.targets.docker;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.wharf.deployer.targets.TargetException;

/**
 * The few Docker Engine API calls the Docker target makes, over the engine's unix socket or TCP.
 *
 * <p>Why Vert.x: it is already the HTTP stack under Quarkus, it speaks HTTP/1.1 over a unix domain socket
 * once the native epoll transport is on the class path ({@code netty-transport-native-epoll},
 * {@code quarkus.vertx.prefer-native-transport=true}), and it is non-blocking like the rest of the
 * deployer. The JDK's own HTTP client cannot use a unix socket, and docker-java would bring a second
 * HTTP stack and a large model for six calls. Paths are unversioned, so the engine answers with its
 * own API version; only fields stable across versions are read.
 */
final class DockerEngineClient {

    /** An engine answer: status and body (JSON for every call used here, a JSON stream for a pull). */
    record Answer(int status, Buffer body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final ObjectMapper json;
    private final long idleTimeoutMs;

    DockerEngineClient(Vertx vertx, ObjectMapper json, Duration idleTimeout) {
        this.vertx = vertx;
        this.json = json;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    }

    void close() {
        http.close();
    }

    Uni<Answer> call(String host, HttpMethod method, String uri, JsonNode body, String registryAuth) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri)
                .setIdleTimeout(idleTimeoutMs);
        serverOf(host, options);
        if (registryAuth != null) {
            options.putHeader("X-Registry-Auth", registryAuth);
        }
        Buffer payload = body == null ? Buffer.buffer() : Buffer.buffer(body.toString());
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        // The exchange runs on a Vert.x context: a body handler attached from another thread after the
        // response arrived would miss the first chunks.
        return Uni.createFrom().<Answer>emitter(emitter -> vertx.getOrCreateContext().runOnContext(v -> http.request(options)
                .compose(request -> request.send(payload)
                        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b))))
                .onSuccess(emitter::complete)
                .onFailure(emitter::fail)))
                .onFailure(e -> !(e instanceof TargetException))
                .transform(e -> new TargetException("Docker engine at " + host + " could not be reached: " + e.getMessage(), e));
    }

    private void serverOf(String host, RequestOptions options) {
        if (host.startsWith("unix://")) {
            if (!vertx.isNativeTransportEnabled()) {
                throw new TargetException("Docker engine at " + host + ": unix sockets need Vert.x's native transport "
                        + "(quarkus.vertx.prefer-native-transport=true, netty-transport-native-epoll)");
            }
            options.setServer(SocketAddress.domainSocketAddress(host.substring("unix://".length())))
                    .setHost("localhost").setPort(80);
        } else {
            String authority = host.substring("tcp://".length());
            int colon = authority.lastIndexOf(':');
            options.setHost(authority.substring(0, colon)).setPort(Integer.parseInt(authority.substring(colon + 1)));
        }
    }

    /** Reads an answer's JSON body; a non-2xx answer becomes a {@link TargetException} with the engine's message. */
    JsonNode json(Answer answer, String what) {
        if (!answer.ok()) {
            throw new TargetException(what + ": Docker engine answered " + answer.status() + " " + message(answer));
        }
        return parse(answer.body().toString());
    }

    String message(Answer answer) {
        String text = answer.body().toString().trim();
        try {
            JsonNode node = json.readTree(text);
            return node.path("message").asText(text);
        } catch (Exception e) {
            return text;
        }
    }

    /**
     * The error a streamed answer (a pull's progress messages) ended with, if any: the engine answers such
     * calls with 200 before it knows the outcome and reports a failure as an {@code error} message.
     */
    Optional<String> streamError(Answer answer) {
        try (MappingIterator<JsonNode> messages = json.readerFor(JsonNode.class).readValues(answer.body().toString())) {
            String error = null;
            while (messages.hasNext()) {
                JsonNode message = messages.next();
                if (message.hasNonNull("error")) {
                    error = message.get("error").asText();
                }
            }
            return Optional.ofNullable(error);
        } catch (Exception e) {
            return Optional.of("unreadable progress stream: " + e.getMessage());
        }
    }

    JsonNode parse(String text) {
        try {
            return text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TargetException("Docker engine sent JSON that cannot be read ("
                    + e.getOriginalMessage() + "): " + text.substring(0, Math.min(text.length(), 200)), e);
        }
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** The {@code X-Registry-Auth} header value: base64url of the credentials as JSON. */
    String registryAuth(DockerSettings.RegistryAuth auth, String registry) {
        if (auth == null) {
            return null;
        }
        ObjectNode node = json.createObjectNode().put("username", auth.username()).put("password", auth.password())
                .put("serveraddress", registry);
        return Base64.getUrlEncoder().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static long seconds(Duration d) {
        return Math.max(0, TimeUnit.MILLISECONDS.toSeconds(d.toMillis()));
    }
}
