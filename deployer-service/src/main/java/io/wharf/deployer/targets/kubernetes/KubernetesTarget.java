package io.wharf.deployer.targets.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.GrantBounds;
import io.wharf.deployer.targets.Place;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.TargetException;
import io.wharf.deployer.targets.Verification;

/**
 * Deploys to one container of a Kubernetes Deployment, StatefulSet or DaemonSet through the fabric8
 * client (the Quarkus extension's client, or one built for the rule's kubeconfig context).
 *
 * <p>{@link #apply} changes only that container's image, with a JSON Patch whose {@code test}
 * operation pins the container's position, so a concurrent edit of the pod template fails the patch
 * instead of updating the wrong container. The generation the patch produced is remembered per
 * deployment; {@link #verify} polls the workload's status every {@code wharf.deployer.kubernetes.poll-interval}
 * until the controller has observed that generation and every replica is updated and available (the
 * checks {@code kubectl rollout status} makes), until a Deployment reports
 * {@code ProgressDeadlineExceeded}, or until the deadline. The API calls need get and patch on the
 * workload kinds (granted in {@code k8s/}).
 *
 * <p>A target's endpoint is {@value #IN_CLUSTER} (the deployer's own client: its service account, or the
 * {@code quarkus.kubernetes-client.*} settings) or {@code kubeconfig:<context>}; it holds no credentials.
 * Unless the target allows Wharf's own workloads, a rule may not name the deployer's namespace, and a
 * workload labelled {@value #PART_OF}{@code : wharf} (on the object or its pod template) is refused
 * whenever it is read, so a label added after the rule was saved still protects it.
 */
@ApplicationScoped
public class KubernetesTarget implements DeployTarget<KubernetesSettings> {

    /** The endpoint of the deployer's own client. */
    public static final String IN_CLUSTER = "in-cluster";
    /** The prefix of an endpoint naming a kubeconfig context. */
    public static final String KUBECONFIG = "kubeconfig:";
    /** The label that marks Wharf's own workloads. */
    public static final String PART_OF = "app.kubernetes.io/part-of";
    private static final Set<String> WORKLOAD_FIELDS = Set.of("workload", "namespace", "name", "container");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final KubernetesClient defaultClient;
    private final Duration pollInterval;
    private final String ownNamespace;
    private final Map<String, KubernetesClient> contextClients = new ConcurrentHashMap<>();
    /** Generation written by apply, per deployment id; verify falls back to the live generation after a restart. */
    private final Map<String, Long> appliedGenerations = new ConcurrentHashMap<>();

    @Inject
    public KubernetesTarget(KubernetesClient client, KubernetesTargetConfig config) {
        this.defaultClient = client;
        this.pollInterval = config.pollInterval();
        this.ownNamespace = config.ownNamespace().orElseGet(client::getNamespace);
    }

    /** Closes the clients made for kubeconfig contexts (the default client belongs to the extension). */
    @PreDestroy
    void close() {
        contextClients.values().forEach(KubernetesClient::close);
    }

    @Override
    public String kind() {
        return "kubernetes";
    }

    @Override
    public Class<KubernetesSettings> settingsType() {
        return KubernetesSettings.class;
    }

    @Override
    public GrantBounds bounds() {
        return GrantBounds.NAMESPACES_AND_NAME;
    }

    @Override
    public String endpointOf(String endpoint) {
        String given = endpoint == null ? "" : endpoint.trim();
        if (given.equals(IN_CLUSTER) || given.startsWith(KUBECONFIG) && !given.substring(KUBECONFIG.length()).isBlank()) {
            return given;
        }
        throw new IllegalArgumentException("endpoint must be " + IN_CLUSTER + " or " + KUBECONFIG + "<context>");
    }

    @Override
    public TargetDefinition define(String endpoint, ObjectNode settings, ObjectNode kept) {
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("kubernetes targets take no settings: credentials come from the "
                    + "deployer's service account or the kubeconfig context");
        }
        return new TargetDefinition(endpointOf(endpoint), settings, null, null);
    }

    @Override
    public KubernetesSettings settings(TargetDefinition target, boolean allowWharf, ObjectNode workload) {
        for (Iterator<String> names = workload.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!WORKLOAD_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown workload field '" + field + "'; a kubernetes workload has " + WORKLOAD_FIELDS);
            }
        }
        String kind = text(workload, "workload");
        KubernetesSettings s = new KubernetesSettings(kind == null ? null : WorkloadKind.of(kind), text(workload, "namespace"),
                text(workload, "name"), text(workload, "container"),
                target.endpoint().startsWith(KUBECONFIG) ? target.endpoint().substring(KUBECONFIG.length()) : null, allowWharf);
        validate(s);
        if (!allowWharf && s.namespace().equals(ownNamespace)) {
            throw new IllegalArgumentException("namespace " + ownNamespace + " is the deployer's own: no rule may deploy there "
                    + "unless its target allows Wharf's own workloads");
        }
        return s;
    }

    @Override
    public Place place(KubernetesSettings s) {
        return new Place(s.namespace(), s.name());
    }

    @Override
    public ObjectNode workload(KubernetesSettings s) {
        return JsonNodeFactory.instance.objectNode().put("workload", s.workload().label()).put("namespace", s.namespace())
                .put("name", s.name()).put("container", s.container());
    }

    private static String text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value == null || value.isNull() ? null : value.asText();
    }

    @Override
    public void validate(KubernetesSettings s) {
        if (s == null || s.workload() == null) {
            throw new IllegalArgumentException("workload is required (Deployment, StatefulSet or DaemonSet)");
        }
        requireMatch("namespace", s.namespace(), DNS_LABEL, "a DNS label");
        requireMatch("name", s.name(), DNS_SUBDOMAIN, "a DNS subdomain");
        requireMatch("container", s.container(), DNS_LABEL, "a DNS label");
        if (s.context() != null && s.context().isBlank()) {
            throw new IllegalArgumentException("context must be left out or name a kubeconfig context");
        }
    }

    private static void requireMatch(String field, String value, Pattern pattern, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " '" + value + "' is not " + what + " (lower case letters, digits, '-')");
        }
    }

    @Override
    public Uni<String> current(KubernetesSettings s) {
        return blocking(() -> {
            HasMetadata workload = read(s);
            return workload == null ? null : container(s, workload).getImage();
        });
    }

    @Override
    public Uni<Void> apply(KubernetesSettings s, DeployOrder order) {
        return blocking(() -> {
            HasMetadata workload = read(s);
            if (workload == null) {
                throw new TargetException(s.describe() + " not found");
            }
            List<Container> containers = template(workload).getSpec().getContainers();
            int index = indexOf(s, containers);
            String path = "/spec/template/spec/containers/" + index;
            String patch = Serialization.asJson(List.of(
                    Map.of("op", "test", "path", path + "/name", "value", s.container()),
                    Map.of("op", "replace", "path", path + "/image", "value", order.image())));
            HasMetadata patched = resource(s).patch(PatchContext.of(PatchType.JSON), patch);
            // A changed image is a new generation: never wait for less than one past the one read
            // before the patch, whatever the answer says (fabric8's mock API server answered a
            // patch with the generation before it, so a stale status passed for the new rollout).
            boolean changed = !order.image().equals(containers.get(index).getImage());
            appliedGenerations.put(order.deploymentId(), Math.max(generation(patched), generation(workload) + (changed ? 1 : 0)));
            return null;
        });
    }

    @Override
    public Uni<Verification> verify(KubernetesSettings s, DeployOrder order, Duration deadline) {
        Instant until = Instant.now().plus(deadline);
        return poll(s, order, until, "no status read yet")
                .eventually(() -> appliedGenerations.remove(order.deploymentId()));
    }

    private Uni<Verification> poll(KubernetesSettings s, DeployOrder order, Instant until, String lastProgress) {
        if (Instant.now().isAfter(until)) {
            return Uni.createFrom().item(Verification.failure(
                    s.describe() + " did not finish its rollout before the deadline: " + lastProgress, order.image()));
        }
        return blocking(() -> rollout(s, order)).flatMap(r -> {
            if (r.verification() != null) {
                return Uni.createFrom().item(r.verification());
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(pollInterval)
                    .flatMap(ignored -> poll(s, order, until, r.progress()));
        });
    }

    /** One read of the workload: a final verification, or the progress to report if time runs out. */
    private record Rollout(Verification verification, String progress) {
        static Rollout waiting(String progress) {
            return new Rollout(null, progress);
        }
    }

    private Rollout rollout(KubernetesSettings s, DeployOrder order) {
        HasMetadata workload = read(s);
        if (workload == null) {
            return new Rollout(Verification.failure(s.describe() + " was deleted during the rollout", null), null);
        }
        String running = container(s, workload).getImage();
        if (!order.image().equals(running)) {
            return new Rollout(Verification.failure(s.describe() + " container " + s.container()
                    + " was changed to " + running + " during the rollout", running), null);
        }
        long generation = appliedGenerations.getOrDefault(order.deploymentId(), generation(workload));
        String failure = null;
        String progress;
        if (workload instanceof Deployment d) {
            progress = RolloutStatus.of(d, generation);
            // As kubectl: the Progressing condition speaks of this rollout only once the controller
            // observed its generation (until then it may be the last rollout's, e.g. the stalled one
            // a rollback undoes).
            boolean observed = d.getStatus() != null && d.getStatus().getObservedGeneration() != null
                    && d.getStatus().getObservedGeneration() >= generation;
            failure = observed ? RolloutStatus.deadlineExceeded(d) : null;
        } else if (workload instanceof StatefulSet st) {
            failure = RolloutStatus.onDelete(st);
            progress = RolloutStatus.of(st, generation);
        } else {
            progress = RolloutStatus.of((DaemonSet) workload, generation);
        }
        if (failure != null) {
            return new Rollout(Verification.failure(s.describe() + " rollout failed: " + failure, running), null);
        }
        if (progress == null) {
            return new Rollout(Verification.success(s.describe() + " rolled out: every replica runs the new image", running), null);
        }
        return Rollout.waiting(progress);
    }

    /** The workload, or null when it does not exist; refused when it is Wharf's own and the target may not change those. */
    private HasMetadata read(KubernetesSettings s) {
        HasMetadata workload = resource(s).get();
        if (workload != null && !s.allowWharf() && (isWharf(workload.getMetadata().getLabels())
                || isWharf(template(workload).getMetadata() == null ? null : template(workload).getMetadata().getLabels()))) {
            throw new TargetException(s.describe() + " is labelled " + PART_OF + "=wharf: Wharf's own workloads are deployed "
                    + "only through a target that allows them");
        }
        return workload;
    }

    private static boolean isWharf(Map<String, String> labels) {
        return labels != null && "wharf".equals(labels.get(PART_OF));
    }

    private Resource<? extends HasMetadata> resource(KubernetesSettings s) {
        KubernetesClient client = client(s);
        return switch (s.workload()) {
            case DEPLOYMENT -> client.apps().deployments().inNamespace(s.namespace()).withName(s.name());
            case STATEFUL_SET -> client.apps().statefulSets().inNamespace(s.namespace()).withName(s.name());
            case DAEMON_SET -> client.apps().daemonSets().inNamespace(s.namespace()).withName(s.name());
        };
    }

    private KubernetesClient client(KubernetesSettings s) {
        if (s.context() == null) {
            return defaultClient;
        }
        return contextClients.computeIfAbsent(s.context(),
                context -> new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build());
    }

    private static PodTemplateSpec template(HasMetadata workload) {
        if (workload instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        if (workload instanceof StatefulSet st) {
            return st.getSpec().getTemplate();
        }
        return ((DaemonSet) workload).getSpec().getTemplate();
    }

    private static Container container(KubernetesSettings s, HasMetadata workload) {
        List<Container> containers = template(workload).getSpec().getContainers();
        return containers.get(indexOf(s, containers));
    }

    private static int indexOf(KubernetesSettings s, List<Container> containers) {
        for (int i = 0; i < containers.size(); i++) {
            if (s.container().equals(containers.get(i).getName())) {
                return i;
            }
        }
        throw new TargetException(s.describe() + " has no container named '" + s.container() + "' (it has: "
                + containers.stream().map(Container::getName).collect(Collectors.joining(", ")) + ")");
    }

    private static long generation(HasMetadata workload) {
        Long generation = workload.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    /** Runs a blocking fabric8 call on a worker thread; API errors become {@link TargetException}s. */
    private static <T> Uni<T> blocking(Supplier<T> call) {
        return Uni.createFrom().item(() -> {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                throw new TargetException("Kubernetes API answered " + e.getCode() + ": " + e.getMessage(), e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
