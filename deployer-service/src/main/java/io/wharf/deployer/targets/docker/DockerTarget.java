package io.wharf.deployer.targets.docker;

import static io.wharf.deployer.targets.docker.DockerEngineClient.encode;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.GrantBounds;
import io.wharf.deployer.targets.Place;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.TargetException;
import io.wharf.deployer.targets.Verification;
import io.wharf.outbound.SecretBox;
import io.wharf.reference.Digest;
import io.wharf.reference.ImageReference;
import io.wharf.reference.InvalidReferenceException;

/**
 * Redeploys one named container on a Docker host, as Watchtower does, through the Engine API.
 *
 * <p>{@link #apply}: pull {@code repo@digest} (with {@code X-Registry-Auth} when the rule has
 * credentials); rename the running container to {@code <name>-wharf-previous}; create a successor
 * named {@code <name>} from its configuration ({@link ContainerSpec}) with {@code Config.Image} set to
 * the order's {@code host/repo:tag@sha256:…}; stop the old one; start the new one. If a step after the
 * rename fails, the successor is removed and the old container gets its name back and is started again.
 *
 * <p>{@link #current} answers {@code Config.Image} pinned to the digest the container's image was pulled
 * by, when it names none ({@code host/repo:tag@sha256:…}).
 *
 * <p>The old container is kept, stopped, until {@link #verify} succeeds, and removed then. Until then a
 * rollback is cheap: when the engine asks to apply the image that {@code <name>-wharf-previous} runs,
 * the failed container is removed and the kept one takes its name back and starts, with its exact old
 * configuration and without a pull. A kept container that no rollback claimed (say the deployer
 * stopped between apply and verify) is removed by the next apply.
 *
 * <p>{@link #verify}: the container named {@code <name>} runs the order's image and is running: healthy,
 * when it has a health check, otherwise up without a restart for {@code wharf.deployer.docker.min-uptime}
 * (so a process that dies right after its start is not taken for a success). An exit or
 * {@code unhealthy} fails at once, with the exit code or the last health check output.
 */
@ApplicationScoped
public class DockerTarget implements DeployTarget<DockerSettings> {

    private static final Logger LOG = Logger.getLogger(DockerTarget.class);
    static final String PREVIOUS_SUFFIX = "-wharf-previous";
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("unix:///\\S+|tcp://[A-Za-z0-9.-]+:\\d{1,5}");

    private final DockerEngineClient engine;
    private final Duration pollInterval;
    private final Duration stopTimeout;
    private final Duration minUptime;
    private final SecretBox secrets;

    @Inject
    public DockerTarget(Vertx vertx, ObjectMapper json, DockerTargetConfig config, SecretBox secrets) {
        this.secrets = secrets;
        this.engine = new DockerEngineClient(vertx, json, config.callIdleTimeout());
        this.pollInterval = config.pollInterval();
        this.stopTimeout = config.stopTimeout();
        this.minUptime = config.minUptime();
    }

    /** The registry credentials with the password as the engine needs it: stored rules hold it sealed. */
    private DockerSettings.RegistryAuth openedAuth(DockerSettings s) {
        DockerSettings.RegistryAuth auth = s.registryAuth();
        return auth == null || !SecretBox.isSealed(auth.password()) ? auth
                : new DockerSettings.RegistryAuth(auth.username(), secrets.open(auth.password()));
    }

    @PreDestroy
    void close() {
        engine.close();
    }

    @Override
    public String kind() {
        return "docker";
    }

    @Override
    public Class<DockerSettings> settingsType() {
        return DockerSettings.class;
    }

    @Override
    public GrantBounds bounds() {
        return GrantBounds.NAME;
    }

    @Override
    public String endpointOf(String endpoint) {
        String host = endpoint == null ? "" : endpoint.trim();
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("endpoint '" + host + "' must be unix:///path/to/docker.sock or tcp://host:port");
        }
        return host;
    }

    /**
     * Settings: {@code registryAuth} ({@code username}, {@code password}), the pull credentials sent to this
     * host as {@code X-Registry-Auth}: shown with the password masked; a masked password keeps the stored
     * one, and without one (a new endpoint) the credentials are dropped and pulls are anonymous.
     */
    @Override
    public TargetDefinition define(String endpoint, ObjectNode settings, ObjectNode kept) {
        String host = endpointOf(endpoint);
        for (Iterator<String> names = settings.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("registryAuth")) {
                throw new IllegalArgumentException("unknown docker target setting '" + field + "'; the container is the rule's");
            }
        }
        JsonNode auth = settings.path("registryAuth");
        if (auth.isMissingNode() || auth.isNull()) {
            return new TargetDefinition(host, null, null, null);
        }
        String username = auth.path("username").asText("");
        String password = auth.path("password").asText("");
        if (MASK.equals(password)) {
            password = kept.path("registryAuth").path("password").asText("");
            if (password.isEmpty()) {
                return new TargetDefinition(host, null, null, null);
            }
        }
        if (username.isBlank() || password.isEmpty()) {
            throw new IllegalArgumentException("registryAuth needs both username and password");
        }
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        shown.putObject("registryAuth").put("username", username).put("password", MASK);
        ObjectNode credentials = JsonNodeFactory.instance.objectNode();
        credentials.putObject("registryAuth").put("username", username).put("password", password);
        return new TargetDefinition(host, shown, credentials, null);
    }

    @Override
    public DockerSettings settings(TargetDefinition target, boolean allowWharf, ObjectNode workload) {
        for (Iterator<String> names = workload.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("container")) {
                throw new IllegalArgumentException("unknown workload field '" + field + "'; a docker workload has [container]");
            }
        }
        JsonNode auth = target.credentials().path("registryAuth");
        DockerSettings s = new DockerSettings(target.endpoint(), workload.path("container").isTextual() ? workload.get("container").asText() : null,
                auth.isObject() ? new DockerSettings.RegistryAuth(auth.path("username").asText(), auth.path("password").asText()) : null);
        validate(s);
        return s;
    }

    @Override
    public Place place(DockerSettings s) {
        return new Place(null, s.container());
    }

    @Override
    public ObjectNode workload(DockerSettings s) {
        return JsonNodeFactory.instance.objectNode().put("container", s.container());
    }

    @Override
    public void validate(DockerSettings s) {
        if (s == null || s.container() == null || s.container().isBlank()) {
            throw new IllegalArgumentException("container is required");
        }
        if (!CONTAINER_NAME.matcher(s.container()).matches()) {
            throw new IllegalArgumentException("container '" + s.container() + "' is not a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)");
        }
        if (!HOST.matcher(s.host()).matches()) {
            throw new IllegalArgumentException("host '" + s.host() + "' must be unix:///path/to/docker.sock or tcp://host:port");
        }
        DockerSettings.RegistryAuth auth = s.registryAuth();
        if (auth != null && (auth.username() == null || auth.username().isBlank() || auth.password() == null || auth.password().isEmpty())) {
            throw new IllegalArgumentException("registryAuth needs both username and password");
        }
    }

    @Override
    public Uni<String> current(DockerSettings s) {
        return inspect(s.host(), s.container()).flatMap(c -> c == null ? Uni.createFrom().nullItem() : pinned(s.host(), c));
    }

    @Override
    public Uni<Void> apply(DockerSettings s, DeployOrder order) {
        return inspect(s.host(), s.container()).flatMap(old -> {
            if (old == null) {
                throw new TargetException("no container named '" + s.container() + "' on " + s.host());
            }
            return inspect(s.host(), previousName(s)).flatMap(previous -> {
                if (previous == null) {
                    return pull(s, order.image()).flatMap(x -> replace(s, old, order.image()));
                }
                Uni<Boolean> rollback = image(old).equals(order.image()) ? Uni.createFrom().item(false)
                        : pinned(s.host(), previous).map(p -> p.equals(order.image()) || image(previous).equals(order.image()));
                return rollback.flatMap(swapBack -> swapBack ? restore(s, old, previous)
                        : remove(s.host(), id(previous)).flatMap(x -> pull(s, order.image())).flatMap(x -> replace(s, old, order.image())));
            });
        });
    }

    @Override
    public Uni<Verification> verify(DockerSettings s, DeployOrder order, Duration deadline) {
        return poll(s, order, Instant.now().plus(deadline), "not inspected yet", null)
                .call(v -> v.succeeded() ? removeKept(s) : Uni.createFrom().voidItem());
    }

    /** A start of the container seen by this verification: when it was first seen running. */
    private record Started(String startedAt, Instant firstSeen) {
    }

    private Uni<Verification> poll(DockerSettings s, DeployOrder order, Instant until, String lastState, Started started) {
        if (Instant.now().isAfter(until)) {
            return Uni.createFrom().item(Verification.failure("container " + s.container()
                    + " was not running and healthy before the deadline: " + lastState, order.image()));
        }
        return inspect(s.host(), s.container()).flatMap(c -> (c == null ? Uni.createFrom().<String>nullItem() : pinned(s.host(), c))
                .map(running -> ContainerState.of(s.container(), c, running, order.image()))).flatMap(state -> {
            if (state.verification() != null) {
                return Uni.createFrom().item(state.verification());
            }
            Started seen = state.runningSince() == null ? null
                    : started != null && started.startedAt().equals(state.runningSince()) ? started
                    : new Started(state.runningSince(), Instant.now());
            if (seen != null && !Instant.now().isBefore(seen.firstSeen().plus(minUptime))) {
                return Uni.createFrom().item(Verification.success("container " + s.container()
                        + " is running with the new image (up, unrestarted, for " + minUptime.toMillis() + " ms)", order.image()));
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(pollInterval)
                    .flatMap(ignored -> poll(s, order, until, state.waitingFor(), seen));
        });
    }

    /**
     * The container's image pinned to the bytes it runs: {@code Config.Image} as written, with the digest
     * under which its image was pulled ({@code RepoDigests}) added when it names none. So the "from" of a
     * deployment, and the image a rollback applies, stay right after the tag has moved.
     */
    private Uni<String> pinned(String host, JsonNode container) {
        String image = image(container);
        if (image.contains("@")) {
            return Uni.createFrom().item(image);
        }
        return inspectImage(host, container.path("Image").asText()).map(pulled -> {
            String name = fullName(image);
            for (JsonNode repoDigest : pulled == null ? List.<JsonNode>of() : pulled.path("RepoDigests")) {
                String text = repoDigest.asText();
                int at = text.indexOf('@');
                if (at > 0 && name != null && name.equals(fullName(text.substring(0, at)))) {
                    return image + text.substring(at);
                }
            }
            return image;
        });
    }

    private static String fullName(String reference) {
        try {
            return ImageReference.parse(reference).fullName();
        } catch (InvalidReferenceException e) {
            return null;
        }
    }

    /** Pulls by digest, so the bytes run are the ones pushed even when the tag has moved since. */
    private Uni<Void> pull(DockerSettings s, String image) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(image);
        } catch (InvalidReferenceException e) {
            throw new TargetException("cannot pull '" + image + "': " + e.getMessage(), e);
        }
        String version = ref.digest().map(Digest::toString).orElse(ref.tagOrDefault());
        String uri = "/images/create?fromImage=" + encode(ref.fullName()) + "&tag=" + encode(version);
        return engine.call(s.host(), HttpMethod.POST, uri, null, engine.registryAuth(openedAuth(s), ref.registry()))
                .map(answer -> {
                    engine.json(answer, "pulling " + image);
                    engine.streamError(answer).ifPresent(error -> {
                        throw new TargetException("pulling " + image + ": " + error);
                    });
                    return null;
                });
    }

    private Uni<Void> replace(DockerSettings s, JsonNode old, String image) {
        String host = s.host();
        String oldId = id(old);
        boolean wasRunning = old.path("State").path("Running").asBoolean();
        AtomicReference<String> created = new AtomicReference<>();
        return inspectImage(host, old.path("Image").asText())
                .flatMap(oldImage -> rename(host, oldId, previousName(s))
                        .flatMap(x -> create(host, s.container(), ContainerSpec.successor(old, oldImage, image))))
                .invoke(created::set)
                .call(newId -> connectOthers(host, newId, ContainerSpec.otherNetworks(old)))
                .call(newId -> stop(host, oldId))
                .call(newId -> start(host, newId))
                .replaceWithVoid()
                .onFailure().call(e -> undo(s, oldId, created.get(), wasRunning))
                .onFailure().transform(e -> new TargetException("could not replace container " + s.container()
                        + " (the old one was put back): " + e.getMessage(), e));
    }

    /** Puts the old container back after a failed replace; each step is tried even when one before failed. */
    private Uni<Void> undo(DockerSettings s, String oldId, String newId, boolean wasRunning) {
        Uni<Void> removeNew = newId == null ? Uni.createFrom().voidItem() : remove(s.host(), newId);
        return removeNew.onFailure().recoverWithNull()
                .flatMap(x -> rename(s.host(), oldId, s.container())).onFailure().recoverWithNull()
                .flatMap(x -> wasRunning ? start(s.host(), oldId) : Uni.createFrom().voidItem()).onFailure().recoverWithNull()
                .onFailure().recoverWithNull();
    }

    /** The rollback: the kept container replaces the failed one, with its own configuration and image. */
    private Uni<Void> restore(DockerSettings s, JsonNode failed, JsonNode kept) {
        LOG.infof("rolling back container %s on %s to the kept container %s", s.container(), s.host(), ContainerSpec.shortId(kept));
        return remove(s.host(), id(failed))
                .flatMap(x -> rename(s.host(), id(kept), s.container()))
                .flatMap(x -> start(s.host(), id(kept)));
    }

    private Uni<Void> removeKept(DockerSettings s) {
        return inspect(s.host(), previousName(s))
                .flatMap(kept -> kept == null ? Uni.createFrom().voidItem() : remove(s.host(), id(kept)))
                .onFailure().invoke(e -> LOG.warnf("could not remove %s on %s: %s", previousName(s), s.host(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    // --- Engine API calls ---

    private Uni<JsonNode> inspect(String host, String name) {
        return engine.call(host, HttpMethod.GET, "/containers/" + encode(name) + "/json", null, null)
                .map(a -> a.status() == 404 ? null : engine.json(a, "inspecting container " + name));
    }

    private Uni<JsonNode> inspectImage(String host, String imageId) {
        return engine.call(host, HttpMethod.GET, "/images/" + encode(imageId) + "/json", null, null)
                .map(a -> a.status() == 404 ? null : engine.json(a, "inspecting image " + imageId));
    }

    private Uni<String> create(String host, String name, JsonNode body) {
        return engine.call(host, HttpMethod.POST, "/containers/create?name=" + encode(name), body, null)
                .map(a -> engine.json(a, "creating container " + name).path("Id").asText());
    }

    private Uni<Void> connectOthers(String host, String id, Map<String, JsonNode> networks) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, JsonNode> network : networks.entrySet()) {
            JsonNode body = engine.object().put("Container", id).set("EndpointConfig", network.getValue());
            chain = chain.flatMap(x -> engine.call(host, HttpMethod.POST, "/networks/" + encode(network.getKey()) + "/connect", body, null)
                    .map(a -> expect(a, "connecting to network " + network.getKey())));
        }
        return chain;
    }

    private Uni<Void> rename(String host, String id, String name) {
        return engine.call(host, HttpMethod.POST, "/containers/" + id + "/rename?name=" + encode(name), null, null)
                .map(a -> expect(a, "renaming container " + id + " to " + name));
    }

    private Uni<Void> stop(String host, String id) {
        return engine.call(host, HttpMethod.POST, "/containers/" + id + "/stop?t=" + DockerEngineClient.seconds(stopTimeout), null, null)
                .map(a -> a.status() == 304 ? null : expect(a, "stopping container " + id));
    }

    private Uni<Void> start(String host, String id) {
        return engine.call(host, HttpMethod.POST, "/containers/" + id + "/start", null, null)
                .map(a -> a.status() == 304 ? null : expect(a, "starting container " + id));
    }

    private Uni<Void> remove(String host, String id) {
        return engine.call(host, HttpMethod.DELETE, "/containers/" + id + "?force=true", null, null)
                .map(a -> a.status() == 404 ? null : expect(a, "removing container " + id));
    }

    private Void expect(DockerEngineClient.Answer answer, String what) {
        engine.json(answer, what);
        return null;
    }

    private static String previousName(DockerSettings s) {
        return s.container() + PREVIOUS_SUFFIX;
    }

    private static String id(JsonNode container) {
        return container.path("Id").asText();
    }

    private static String image(JsonNode container) {
        return container.path("Config").path("Image").asText();
    }
}
