package io.wharf.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * A caller's rights as registry-service, which owns accounts and memberships, says they are now. An API
 * token's claims are those of the moment it was minted, up to its lifetime ago; the registry answers
 * {@code GET /api/v1/users/me}, called with the caller's own token, from its database: the caller's
 * name, whether it is a system admin, and its role in each project it belongs to. It refuses (401) a
 * token whose account was deleted, whose password changed or that was otherwise revoked.
 * <p>
 * Answers are kept per token (keyed by its SHA-256, never the token itself) for at most
 * {@code wharf.access.roles-ttl}, refusals included; failures are not kept. A robot's API token is
 * answered with the role {@code robot} in its project, which is no {@link ProjectRole}: a robot may
 * do nothing here, as with its claims before.
 *
 * <p>Every answer completes on the caller's Vert.x context, so that Hibernate Reactive may follow.
 */
@ApplicationScoped
public class RegistryRoles {
    private static final Logger LOG = Logger.getLogger(RegistryRoles.class);
    static final String ME = "/api/v1/users/me";

    private final WebClient client;
    private final String url;
    private final Duration timeout;
    /** SHA-256 of a token → the caller's rights, or empty when the registry refused the token. */
    private final Cache<String, Optional<Access>> answers;

    public RegistryRoles(Vertx vertx, AccessConfig config) {
        this.url = config.registryUrl().replaceAll("/+$", "") + ME;
        this.timeout = config.registryTimeout();
        this.answers = Caffeine.newBuilder().expireAfterWrite(config.rolesTtl()).maximumSize(config.rolesCacheSize()).build();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setUserAgent("Wharf-Access/1")
                .setConnectTimeout((int) timeout.toMillis()));
    }

    /**
     * The rights of the caller of API token {@code token}, as the registry said at most
     * {@code wharf.access.roles-ttl} ago; empty when the registry refuses the token.
     *
     * @throws RegistryUnavailableException (as the failure) when the registry had to be asked and could
     *         not answer in {@code wharf.access.registry-timeout}, or answered anything but 200, 401 or 403
     */
    public Uni<Optional<Access>> current(String token) {
        Optional<Access> known = answers.getIfPresent(key(token));
        return known != null ? Uni.createFrom().item(known) : now(token);
    }

    /**
     * As {@link #current}, but asked of the registry now, whatever is kept: for decisions that must not
     * lag behind it at all (an approval). The answer is kept for the next {@link #current}.
     */
    public Uni<Optional<Access>> now(String token) {
        String key = key(token);
        Context caller = io.vertx.core.Vertx.currentContext();
        Uni<Optional<Access>> answer = Uni.createFrom().deferred(() -> client.getAbs(url)
                        .bearerTokenAuthentication(token)
                        .putHeader("Accept", "application/json")
                        .timeout(timeout.toMillis())
                        .send())
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(failure -> unavailable("could not be reached: " + describe(failure), failure))
                .map(RegistryRoles::accessFrom)
                .invoke(access -> answers.put(key, access));
        return caller == null ? answer : answer.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private static Optional<Access> accessFrom(HttpResponse<Buffer> response) {
        switch (response.statusCode()) {
            case 200:
                JsonObject me;
                try {
                    me = response.bodyAsJsonObject();
                } catch (RuntimeException e) {
                    throw unavailable("answered 200 without the caller", e);
                }
                if (me == null || !(me.getValue("username") instanceof String user)) {
                    throw unavailable("answered 200 without the caller", null);
                }
                Map<String, String> roles = new LinkedHashMap<>();
                if (me.getValue("projects") instanceof JsonObject projects) {
                    projects.forEach(entry -> {
                        if (entry.getValue() instanceof String role) {
                            roles.put(entry.getKey(), role);
                        }
                    });
                }
                boolean admin = Boolean.TRUE.equals(me.getValue("systemAdmin"));
                return Optional.of(Access.of(user, admin ? Set.of(ApiToken.ADMIN_GROUP) : Set.of(), roles));
            case 401:
            case 403:
                return Optional.empty();
            default:
                throw unavailable("answered " + response.statusCode(), null);
        }
    }

    /** The cache key of a token: its SHA-256, so that no token is held (or logged) beyond its request. */
    private static String key(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    private static RegistryUnavailableException unavailable(String what, Throwable cause) {
        LOG.warnf("the registry, asked for a caller's current roles, %s", what);
        return new RegistryUnavailableException("the registry, asked for your current roles, " + what, cause);
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
