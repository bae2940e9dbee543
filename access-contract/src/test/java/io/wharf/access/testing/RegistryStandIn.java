package io.wharf.access.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Plays registry-service's {@code GET /api/v1/users/me} on a real HTTP server on 127.0.0.1, the call
 * the notifier and the deployer make to learn a caller's current rights, and points the service at it
 * ({@code wharf.access.registry-url}). Like the registry it takes the caller's API token as bearer,
 * checks its RS256 signature with the registry's (here: the tests' {@code jwt/public-key.pem}) public
 * key and its expiry, and answers {@code {username, kind, systemAdmin, projects}}; a token that does
 * not verify, or whose user was {@linkplain #revoke revoked}, gets 401.
 *
 * <p>Memberships: a token's own claims say what the registry held when it minted it, so the stand-in
 * answers them unless a test changed the user's membership since, as a project admin would in the
 * registry: {@link #setRole} and {@link #remove}. {@link #failWith} makes it misbehave as an
 * unreachable or failing registry would. State is per test run: use user names of your own.
 */
public class RegistryStandIn implements QuarkusTestResourceLifecycleManager {

    /** How the stand-in answers. */
    public enum Mode {
        /** As the registry does. */
        ANSWERING,
        /** 503 for everything, as a registry behind a proxy answers while it is down. */
        UNAVAILABLE,
        /** Closes every connection without an answer. */
        DROPPING
    }

    /** The path the stand-in answers. */
    public static final String ME = "/api/v1/users/me";
    private static final String REMOVED = "";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** user → project → role wire name, or {@link #REMOVED}: changes since the users' tokens were minted. */
    private static final Map<String, Map<String, String>> CHANGED = new ConcurrentHashMap<>();
    private static final Set<String> REVOKED = ConcurrentHashMap.newKeySet();
    private static final List<String> CALLS = new CopyOnWriteArrayList<>();
    private static volatile Mode mode = Mode.ANSWERING;

    private HttpServer server;
    private PublicKey key;

    @Override
    public Map<String, String> start() {
        try (InputStream pem = Thread.currentThread().getContextClassLoader().getResourceAsStream("jwt/public-key.pem")) {
            String base64 = new String(pem.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----|\\s", "");
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the registry stand-in", e);
        }
        server.createContext("/", exchange -> {
            try {
                answer(exchange);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return Map.of("wharf.access.registry-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Makes {@code user} a member of {@code project} with {@code role}, or changes its role. */
    public static void setRole(String project, String user, String role) {
        CHANGED.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(project, role);
    }

    /** Removes {@code user} from {@code project}. */
    public static void remove(String project, String user) {
        setRole(project, user, REMOVED);
    }

    /** Refuses every token of {@code user} from now on, as the registry does once the account is deleted. */
    public static void revoke(String user) {
        REVOKED.add(user);
    }

    /** Answers in {@code failure} mode until the returned handle is closed. */
    public static AutoCloseable failWith(Mode failure) {
        mode = failure;
        return () -> mode = Mode.ANSWERING;
    }

    /** The calls answered so far, each as {@code <user> GET <path>}, oldest first. */
    public static List<String> calls() {
        return List.copyOf(CALLS);
    }

    private void answer(HttpExchange exchange) throws IOException {
        if (mode == Mode.DROPPING) {
            return;
        }
        if (mode == Mode.UNAVAILABLE) {
            send(exchange, 503, Map.of("status", 503, "code", "UNAVAILABLE", "detail", "down for maintenance"));
            return;
        }
        JsonNode claims = verifiedClaims(exchange.getRequestHeaders().getFirst("Authorization"));
        if (claims == null || REVOKED.contains(claims.path("sub").asText())) {
            send(exchange, 401, Map.of("status", 401, "code", "UNAUTHORIZED", "detail", "invalid token"));
            return;
        }
        String user = claims.path("sub").asText();
        CALLS.add(user + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals(ME)) {
            send(exchange, 404, Map.of("status", 404, "code", "NOT_FOUND", "detail", "no such path"));
            return;
        }
        Map<String, String> projects = new TreeMap<>();
        claims.path("projects").fields().forEachRemaining(e -> projects.put(e.getKey(), e.getValue().asText()));
        CHANGED.getOrDefault(user, Map.of()).forEach((project, role) -> {
            if (role.equals(REMOVED)) {
                projects.remove(project);
            } else {
                projects.put(project, role);
            }
        });
        boolean admin = false;
        for (JsonNode group : claims.path("groups")) {
            admin |= group.asText().equals("system-admin");
        }
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("username", user);
        me.put("kind", "user");
        me.put("systemAdmin", admin);
        me.put("projects", projects);
        send(exchange, 200, me);
    }

    /** The claims of a bearer token that verifies (RS256 with the tests' key, not expired), or null. */
    private JsonNode verifiedClaims(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).trim().split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            Base64.Decoder url = Base64.getUrlDecoder();
            if (!JSON.readTree(url.decode(parts[0])).path("alg").asText().equals("RS256")) {
                return null;
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(url.decode(parts[2]))) {
                return null;
            }
            JsonNode claims = JSON.readTree(url.decode(parts[1]));
            return claims.path("exp").asLong() > Instant.now().getEpochSecond() ? claims : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static void send(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
