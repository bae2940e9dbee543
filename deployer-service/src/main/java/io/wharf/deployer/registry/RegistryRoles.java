package io.wharf.deployer.registry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.wharf.access.ProjectRole;

/**
 * Asks registry-service, which owns memberships, for a caller's role in a project as it is now. An API
 * token's roles are those of the moment it was minted, up to its lifetime ago; the registry answers
 * {@code GET /api/v1/projects/{name}}, called with the caller's own token, from its current memberships
 * (cached there for at most {@code wharf.auth.policy-cache-ttl}, 5 s by default): {@code role} is the
 * caller's role, null when the caller sees the project without one (a public project, a system admin);
 * 404 when the caller may not see it (a private project it is not a member of, or none of that name).
 *
 * <p>Every answer completes on the caller's Vert.x context, so that Hibernate Reactive may follow.
 */
@ApplicationScoped
public class RegistryRoles {
    private static final Logger LOG = Logger.getLogger(RegistryRoles.class);

    /**
     * What the registry says of the caller in a project.
     *
     * @param tokenAccepted false when the registry refused the caller's token (401 or 403)
     * @param role the caller's role there now; empty for no role, an unknown role, or a refused token
     */
    public record Standing(boolean tokenAccepted, Optional<ProjectRole> role) {
    }

    private final WebClient client;
    private final String base;
    private final Duration timeout;

    public RegistryRoles(Vertx vertx, RegistryConfig config) {
        this.base = config.registryUrl().replaceAll("/+$", "");
        this.timeout = config.registryTimeout();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setUserAgent("Wharf-Deployer/1")
                .setConnectTimeout((int) timeout.toMillis()));
    }

    /**
     * The caller's standing in {@code project}, asked with the caller's API token {@code token}.
     *
     * @throws RegistryUnavailableException (as the failure) when the registry cannot be reached in
     *         {@code wharf.deployer.registry-timeout}, or answers anything but 200, 401, 403 or 404
     */
    public Uni<Standing> standing(String token, String project) {
        Context caller = io.vertx.core.Vertx.currentContext();
        String url = base + "/api/v1/projects/" + URLEncoder.encode(project, StandardCharsets.UTF_8);
        Uni<Standing> answer = Uni.createFrom().deferred(() -> client.getAbs(url)
                        .bearerTokenAuthentication(token)
                        .putHeader("Accept", "application/json")
                        .timeout(timeout.toMillis())
                        .send())
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(failure -> unavailable(project, "could not be reached: " + describe(failure), failure))
                .map(response -> standingFrom(project, response));
        return caller == null ? answer : answer.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private static Standing standingFrom(String project, HttpResponse<Buffer> response) {
        switch (response.statusCode()) {
            case 200:
                JsonObject view;
                try {
                    view = response.bodyAsJsonObject();
                } catch (RuntimeException e) {
                    throw unavailable(project, "answered 200 without a project", e);
                }
                Object role = view == null ? null : view.getValue("role");
                return new Standing(true, role instanceof String name ? ProjectRole.ofWire(name) : Optional.empty());
            case 404:
                return new Standing(true, Optional.empty());
            case 401:
            case 403:
                return new Standing(false, Optional.empty());
            default:
                throw unavailable(project, "answered " + response.statusCode(), null);
        }
    }

    private static RegistryUnavailableException unavailable(String project, String what, Throwable cause) {
        LOG.warnf("the registry, asked for a role in project %s, %s", project, what);
        return new RegistryUnavailableException("the registry " + what, cause);
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
