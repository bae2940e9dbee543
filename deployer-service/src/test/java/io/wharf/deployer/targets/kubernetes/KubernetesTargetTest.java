package io.wharf.deployer.targets.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.DeployTargetContract;
import io.wharf.deployer.targets.Place;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.TargetException;
import io.wharf.deployer.targets.Verification;
import io.wharf.infra.Net;

/**
 * The Kubernetes target against fabric8's mock API server in CRUD mode, which simulates the
 * Kubernetes API server: it stores workloads and applies patches as the real one does, but runs no
 * controllers, so each test plays the controller by writing the workload's status itself (rolled out,
 * still progressing, or stalled with {@code ProgressDeadlineExceeded}). It passes the
 * {@link DeployTargetContract}; the tests here add what is particular to Kubernetes.
 */
class KubernetesTargetTest extends DeployTargetContract<KubernetesSettings> {

    private static final String NS = "shop";
    private static final String OLD = "registry.example:5000/shop/web:v1@sha256:" + "1".repeat(64);
    private static final String NEW = "registry.example:5000/shop/web:v2@sha256:" + "2".repeat(64);
    private static final String SIDECAR = "registry.example:5000/shop/proxy:3@sha256:" + "3".repeat(64);

    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;
    private KubernetesTarget target;
    private KubernetesClient unreachableClient;
    private int workloads;

    @BeforeEach
    void startApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        target = new KubernetesTarget(client, config());
    }

    @AfterEach
    void stopApiServer() {
        if (unreachableClient != null) {
            unreachableClient.close();
        }
        client.close();
        server.destroy();
    }

    @Test
    void patchesOnlyTheNamedContainerWithThePinnedReferenceAndSucceedsOnceAvailable() {
        client.resource(deployment("web", 3)).create();
        KubernetesSettings settings = settings(WorkloadKind.DEPLOYMENT, "web");
        assertEquals(OLD, target.current(settings).await().indefinitely());

        DeployOrder order = order();
        target.apply(settings, order).await().indefinitely();

        Deployment patched = client.apps().deployments().inNamespace(NS).withName("web").get();
        List<Container> containers = patched.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(NEW, containers.get(1).getImage(), "the app container runs exactly the pinned reference");
        assertEquals("proxy", containers.get(0).getName());
        assertEquals(SIDECAR, containers.get(0).getImage(), "the other container is untouched");
        assertEquals(NEW, target.current(settings).await().indefinitely());

        CompletableFuture<Verification> verification = verifyInBackground(settings, order, Duration.ofSeconds(20));
        // The controller observes the new generation; one of three replicas is updated so far.
        client.apps().deployments().inNamespace(NS).withName("web").editStatus(d -> new DeploymentBuilder(d).editOrNewStatus()
                .withObservedGeneration(generation(d.getMetadata().getGeneration())).withReplicas(4)
                .withUpdatedReplicas(1).withAvailableReplicas(3).endStatus().build());
        assertFalse(verification.isDone(), "a rollout with one updated replica is not finished");
        client.apps().deployments().inNamespace(NS).withName("web").editStatus(d -> new DeploymentBuilder(d).editOrNewStatus()
                .withReplicas(3).withUpdatedReplicas(3).withAvailableReplicas(3).endStatus().build());

        Verification result = verification.join();
        assertTrue(result.succeeded(), result.reason());
        assertEquals(NEW, result.runningImage());
    }

    @Test
    void rollsOutAStatefulSet() {
        client.resource(new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2).withServiceName("db").withTemplate(template()).endSpec().build()).create();
        KubernetesSettings settings = settings(WorkloadKind.STATEFUL_SET, "db");
        DeployOrder order = order();
        target.apply(settings, order).await().indefinitely();
        assertPatched(client.apps().statefulSets().inNamespace(NS).withName("db").get().getSpec().getTemplate());

        CompletableFuture<Verification> verification = verifyInBackground(settings, order, Duration.ofSeconds(20));
        client.apps().statefulSets().inNamespace(NS).withName("db").editStatus(st -> new StatefulSetBuilder(st).editOrNewStatus()
                .withObservedGeneration(generation(st.getMetadata().getGeneration())).withReplicas(2)
                .withUpdatedReplicas(2).withReadyReplicas(2).withAvailableReplicas(2)
                .withCurrentRevision("db-2").withUpdateRevision("db-2").endStatus().build());

        Verification result = verification.join();
        assertTrue(result.succeeded(), result.reason());
    }

    @Test
    void rollsOutADaemonSet() {
        client.resource(new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace(NS).endMetadata()
                .withNewSpec().withTemplate(template()).endSpec().build()).create();
        KubernetesSettings settings = settings(WorkloadKind.DAEMON_SET, "agent");
        DeployOrder order = order();
        target.apply(settings, order).await().indefinitely();
        assertPatched(client.apps().daemonSets().inNamespace(NS).withName("agent").get().getSpec().getTemplate());

        CompletableFuture<Verification> verification = verifyInBackground(settings, order, Duration.ofSeconds(20));
        client.apps().daemonSets().inNamespace(NS).withName("agent").editStatus(ds -> new DaemonSetBuilder(ds).editOrNewStatus()
                .withObservedGeneration(generation(ds.getMetadata().getGeneration())).withDesiredNumberScheduled(3)
                .withUpdatedNumberScheduled(3).withNumberAvailable(3).endStatus().build());

        Verification result = verification.join();
        assertTrue(result.succeeded(), result.reason());
    }

    @Test
    void refusesAMissingWorkloadAndAMissingContainer() {
        KubernetesSettings missing = settings(WorkloadKind.DEPLOYMENT, "ghost");
        assertNull(target.current(missing).await().indefinitely(), "a missing workload runs nothing");
        TargetException noWorkload = assertThrows(TargetException.class, () -> target.apply(missing, order()).await().indefinitely());
        assertEquals("Deployment shop/ghost not found", noWorkload.getMessage());

        client.resource(deployment("web", 1)).create();
        KubernetesSettings wrongContainer = new KubernetesSettings(WorkloadKind.DEPLOYMENT, NS, "web", "worker", null);
        TargetException noContainer = assertThrows(TargetException.class,
                () -> target.apply(wrongContainer, order()).await().indefinitely());
        assertEquals("Deployment shop/web has no container named 'worker' (it has: proxy, app)", noContainer.getMessage());
        assertEquals(OLD, client.apps().deployments().inNamespace(NS).withName("web").get()
                .getSpec().getTemplate().getSpec().getContainers().get(1).getImage(), "nothing was changed");
    }

    @Test
    void validatesSettingsWithClearMessages() {
        target.validate(settings(WorkloadKind.DEPLOYMENT, "web"));
        assertEquals("workload is required (Deployment, StatefulSet or DaemonSet)", assertThrows(IllegalArgumentException.class,
                () -> target.validate(new KubernetesSettings(null, NS, "web", "app", null))).getMessage());
        assertEquals("namespace 'Shop_1' is not a DNS label (lower case letters, digits, '-')", assertThrows(IllegalArgumentException.class,
                () -> target.validate(new KubernetesSettings(WorkloadKind.DEPLOYMENT, "Shop_1", "web", "app", null))).getMessage());
        assertEquals("container is required", assertThrows(IllegalArgumentException.class,
                () -> target.validate(new KubernetesSettings(WorkloadKind.DEPLOYMENT, NS, "web", " ", null))).getMessage());
        assertEquals(WorkloadKind.STATEFUL_SET, WorkloadKind.of("statefulset"));
        assertEquals("workload must be one of Deployment, StatefulSet, DaemonSet, not 'CronJob'",
                assertThrows(IllegalArgumentException.class, () -> WorkloadKind.of("CronJob")).getMessage());
    }

    @Test
    void joinsATargetAndARuleWorkloadIntoSettingsAndBack() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode workload = json.createObjectNode().put("workload", "statefulset").put("namespace", "shop").put("name", "db")
                .put("container", "app");
        KubernetesSettings inCluster = target.settings(TargetDefinition.stored("in-cluster", null, null), false, workload);
        assertEquals(new KubernetesSettings(WorkloadKind.STATEFUL_SET, NS, "db", "app", null), inCluster);
        assertEquals("StatefulSet shop/db container app", inCluster.displayName());
        assertEquals(new Place(NS, "db"), target.place(inCluster));
        assertEquals("StatefulSet", target.workload(inCluster).path("workload").asText());
        assertEquals(inCluster, target.settings(TargetDefinition.stored("in-cluster", null, null), false, target.workload(inCluster)));
        assertEquals("prod", target.settings(TargetDefinition.stored("kubeconfig:prod", null, null), false, workload).context());

        assertEquals("kubeconfig:prod", target.endpointOf(" kubeconfig:prod "));
        assertThrows(IllegalArgumentException.class, () -> target.endpointOf("https://10.0.0.1:6443"));
        assertThrows(IllegalArgumentException.class, () -> target.define("in-cluster", json.createObjectNode().put("token", "x"),
                json.createObjectNode()));
        assertThrows(IllegalArgumentException.class, () -> target.settings(TargetDefinition.stored("in-cluster", null, null), false,
                workload.deepCopy().put("image", "x")));
    }

    @Test
    void refusesTheDeployersOwnNamespaceUnlessTheTargetAllowsWharfsOwnWorkloads() {
        ObjectNode workload = new ObjectMapper().createObjectNode().put("workload", "Deployment").put("namespace", "wharf")
                .put("name", "registry-service").put("container", "registry-service");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> target.settings(TargetDefinition.stored("in-cluster", null, null), false, workload));
        assertTrue(refused.getMessage().contains("deployer's own"), refused.getMessage());
        assertTrue(target.settings(TargetDefinition.stored("in-cluster", null, null), true, workload).allowWharf());
    }

    @Test
    void neverTouchesAWorkloadLabelledAsWharfsOwnUnlessTheTargetAllowsIt() {
        Deployment registry = deployment("registry-service", 1);
        registry.getMetadata().setLabels(java.util.Map.of(KubernetesTarget.PART_OF, "wharf"));
        client.resource(registry).create();
        KubernetesSettings refused = settings(WorkloadKind.DEPLOYMENT, "registry-service");

        TargetException failure = assertThrows(TargetException.class, () -> target.apply(refused, order()).await().indefinitely());
        assertTrue(failure.getMessage().contains("labelled app.kubernetes.io/part-of=wharf"), failure.getMessage());
        assertThrows(TargetException.class, () -> target.current(refused).await().indefinitely());
        assertEquals(OLD, client.apps().deployments().inNamespace(NS).withName("registry-service").get()
                .getSpec().getTemplate().getSpec().getContainers().get(1).getImage(), "nothing was changed");

        KubernetesSettings allowed = new KubernetesSettings(WorkloadKind.DEPLOYMENT, NS, "registry-service", "app", null, true);
        target.apply(allowed, order()).await().indefinitely();
        assertEquals(NEW, client.apps().deployments().inNamespace(NS).withName("registry-service").get()
                .getSpec().getTemplate().getSpec().getContainers().get(1).getImage());
    }

    @Override
    protected DeployTarget<KubernetesSettings> target() {
        return target;
    }

    @Override
    protected KubernetesSettings freshWorkload() {
        String name = "web-" + ++workloads;
        client.resource(deployment(name, 2)).create();
        return settings(WorkloadKind.DEPLOYMENT, name);
    }

    @Override
    protected KubernetesSettings settingsMissingARequiredField() {
        return new KubernetesSettings(WorkloadKind.DEPLOYMENT, NS, "web", null, null);
    }

    @Override
    protected String initialImage() {
        return OLD;
    }

    @Override
    protected String imageTheWorkloadWasGiven(KubernetesSettings settings) {
        return client.apps().deployments().inNamespace(NS).withName(settings.name()).get()
                .getSpec().getTemplate().getSpec().getContainers().get(1).getImage();
    }

    @Override
    protected boolean knowsWhatItRuns() {
        return true;
    }

    @Override
    protected boolean watchesRollouts() {
        return true;
    }

    @Override
    protected void rollOutHealthy(KubernetesSettings settings) {
        client.apps().deployments().inNamespace(NS).withName(settings.name()).editStatus(d -> new DeploymentBuilder(d)
                .editOrNewStatus().withObservedGeneration(generation(d.getMetadata().getGeneration())).withReplicas(2)
                .withUpdatedReplicas(2).withAvailableReplicas(2).endStatus().build());
    }

    /** The controller gives up: the rollout has not progressed within its progress deadline. */
    @Override
    protected String rollOutUnhealthy(KubernetesSettings settings) {
        client.apps().deployments().inNamespace(NS).withName(settings.name()).editStatus(d -> new DeploymentBuilder(d)
                .editOrNewStatus().withObservedGeneration(generation(d.getMetadata().getGeneration())).withReplicas(3)
                .withUpdatedReplicas(1).withAvailableReplicas(2)
                .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                        .withReason("ProgressDeadlineExceeded")
                        .withMessage("ReplicaSet \"web-7d9\" has timed out progressing.").build())
                .endStatus().build());
        return "has timed out progressing";
    }

    /** An API server nothing listens on, and a client that does not retry. */
    @Override
    protected KubernetesSettings unreachableWorkload() {
        unreachableClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + Net.freePort()).withRequestRetryBackoffLimit(0).build()).build();
        return settings(WorkloadKind.DEPLOYMENT, "web");
    }

    @Override
    protected DeployTarget<KubernetesSettings> targetForUnreachable() {
        return new KubernetesTarget(unreachableClient, config());
    }

    @Override
    protected List<String> secretsIn(KubernetesSettings settings) {
        return List.of();
    }

    /** An API error names the workload. */
    @Override
    protected String nameIn(KubernetesSettings settings) {
        return settings.name();
    }

    private CompletableFuture<Verification> verifyInBackground(KubernetesSettings settings, DeployOrder order, Duration deadline) {
        return target.verify(settings, order, deadline).subscribeAsCompletionStage().toCompletableFuture();
    }

    private static void assertPatched(PodTemplateSpec template) {
        assertEquals(NEW, template.getSpec().getContainers().get(1).getImage());
        assertEquals(SIDECAR, template.getSpec().getContainers().get(0).getImage());
    }

    private static long generation(Long generation) {
        return generation == null ? 0 : generation;
    }

    private static KubernetesSettings settings(WorkloadKind kind, String name) {
        return new KubernetesSettings(kind, NS, name, "app", null);
    }

    private static DeployOrder order() {
        return new DeployOrder(UUID.randomUUID().toString(), "rule-1", "event-1", "shop/web", "v2", "sha256:" + "2".repeat(64), NEW, OLD);
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(replicas).withTemplate(template()).endSpec().build();
    }

    private static PodTemplateSpec template() {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec()
                .withContainers(new ContainerBuilder().withName("proxy").withImage(SIDECAR).build(),
                        new ContainerBuilder().withName("app").withImage(OLD).build())
                .endSpec().build();
    }

    /** Polls every 50 ms; the deployer's own namespace is {@code wharf}. */
    private static KubernetesTargetConfig config() {
        return new KubernetesTargetConfig() {
            public Duration pollInterval() {
                return Duration.ofMillis(50);
            }

            public java.util.Optional<String> ownNamespace() {
                return java.util.Optional.of("wharf");
            }
        };
    }
}
