package io.wharf.deployer.support;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Plays registry-service's {@code GET /api/v1/projects/{name}} on a real HTTP server on 127.0.0.1, the
 * call the deployer makes to learn an approver's current role, and points the deployer at it
 * ({@code wharf.deployer.registry-url}). Like the registry it takes the caller's API token as bearer,
 * checks its RS256 signature with the registry's (here: the tests') public key and its expiry, and
 * answers from the memberships it holds now, not from the token's claims: a member sees the project
 * with its role, a system admin sees it without one, anyone else gets 404 (every test project is
 * private), a token that does not verify 401.
 *
 * <p>Memberships: {@link Tokens#user} makes the user a member with the token's role, as the registry
 * mints a token only for a member; {@link #setRole} and {@link #remove} change membership afterwards,
 * as a project admin would in the registry. {@link #failWith} makes it misbehave as an unreachable or
 * failing registry would.
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

    private static final Pattern PROJECT = Pattern.compile("/api/v1/projects/([^/]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** project → user → role wire name. */
    private static final Map<String, Map<String, String>> MEMBERS = new ConcurrentHashMap<>();
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
        return Map.of("wharf.deployer.registry-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Makes {@code user} a member of {@code project} with {@code role}, or changes its role. */
    public static void setRole(String project, String user, String role) {
        MEMBERS.computeIfAbsent(project, p -> new ConcurrentHashMap<>()).put(user, role);
    }

    /** Removes {@code user} from {@code project}. */
    public static void remove(String project, String user) {
        MEMBERS.getOrDefault(project, Map.of()).remove(user);
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
        if (claims == null) {
            send(exchange, 401, Map.of("status", 401, "code", "UNAUTHORIZED", "detail", "invalid token"));
            return;
        }
        String user = claims.path("sub").asText();
        CALLS.add(user + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        Matcher project = PROJECT.matcher(exchange.getRequestURI().getPath());
        if (!exchange.getRequestMethod().equals("GET") || !project.matches()) {
            send(exchange, 404, Map.of("status", 404, "code", "NOT_FOUND", "detail", "no such path"));
            return;
        }
        String name = project.group(1);
        Map<String, String> members = MEMBERS.get(name);
        String role = members == null ? null : members.get(user);
        boolean admin = false;
        for (JsonNode group : claims.path("groups")) {
            admin |= group.asText().equals("system-admin");
        }
        if (members == null || role == null && !admin) {
            send(exchange, 404, Map.of("status", 404, "code", "NOT_FOUND", "detail", "project " + name));
            return;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("isPublic", false);
        view.put("verifiedPublisher", false);
        view.put("official", false);
        view.put("role", role);
        view.put("createdAt", Instant.EPOCH.toString());
        send(exchange, 200, view);
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
