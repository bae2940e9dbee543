package io.wharf.deployer;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.KubeApiServer;
import io.wharf.deployer.support.Registry;
import io.wharf.infra.WharfInfraTestResource;

/**
 * The whole path with the Kubernetes target: a registry event on Kafka, a rule, the Deployment patched
 * through the API to the pinned {@code repo:tag@digest}, the rollout watched, and on a stalled
 * rollout the automatic rollback and the hold. The API server is fabric8's mock in CRUD mode, which
 * simulates it without controllers: a small controller in this test writes each Deployment's status —
 * available for good images, stalled with {@code ProgressDeadlineExceeded} for digests marked broken.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
@QuarkusTestResource(value = KubeApiServer.class, restrictToAnnotatedClass = true)
class KubernetesRolloutTest {

    private static final String NS = "shop";
    private static final String HOST = "registry.test:5000";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final Set<String> brokenDigests = ConcurrentHashMap.newKeySet();
    /** What the controller last wrote a status for, per Deployment: generation and image. */
    private final Map<String, String> reconciled = new ConcurrentHashMap<>();
    private NamespacedKubernetesClient kube;
    private ScheduledExecutorService controller;

    @BeforeEach
    void startController() {
        kube = KubeApiServer.client();
        controller = Executors.newSingleThreadScheduledExecutor();
        controller.scheduleWithFixedDelay(this::reconcile, 0, 50, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopController() {
        controller.shutdownNow();
        kube.close();
    }

    @Test
    void aPushRollsTheDeploymentForwardPinnedToItsDigest() {
        String project = Api.project();
        String repo = project + "/web";
        String old = HOST + "/" + repo + ":v1@" + Registry.digest();
        createDeployment("web-" + project, old);
        String rule = Api.createRule(rule(repo, "web-" + project)).getString("id");

        String digest = Registry.digest();
        Registry.send(bootstrap, Registry.pushed(repo, "prod", digest));

        Map<String, Object> d = Api.awaitState(rule, digest, "succeeded");
        String pinned = HOST + "/" + repo + ":prod@" + digest;
        assertEquals(pinned, image("web-" + project), "the Deployment runs exactly the pushed bytes");
        assertEquals(old, d.get("fromImage"));
    }

    @Test
    void aStalledRolloutIsRolledBackAndTheRuleHeldSoTheSameVersionIsNotReapplied() {
        String project = Api.project();
        String repo = project + "/api";
        String old = HOST + "/" + repo + ":v1@" + Registry.digest();
        createDeployment("api-" + project, old);
        String rule = Api.createRule(rule(repo, "api-" + project)).getString("id");

        String broken = Registry.digest();
        brokenDigests.add(broken);
        Registry.send(bootstrap, Registry.pushed(repo, "prod", broken));

        Map<String, Object> d = Api.awaitState(rule, broken, "rolled_back");
        assertThat((String) d.get("reason"), containsString("ProgressDeadlineExceeded"));
        assertEquals(old, image("api-" + project), "back on the previous image");
        assertThat(Api.rule(rule).getString("hold.reason"), containsString(broken));

        // While held, a new push is not deployed.
        String next = Registry.digest();
        Registry.send(bootstrap, Registry.pushed(repo, "prod", next));
        Api.awaitState(rule, next, "skipped");
        assertEquals(old, image("api-" + project));
    }

    /** A rule for {@code repo} through the cluster's target, granted to its project for the namespace {@value #NS}. */
    private static Map<String, Object> rule(String repo, String deployment) {
        String target = Api.createTarget("kubernetes", "in-cluster", Map.of(), repo.split("/")[0], Map.of("namespaces", java.util.List.of(NS)))
                .getString("name");
        return Map.of("repository", repo, "tagPolicy", Map.of("kind", "exact", "value", "prod"), "target", target,
                "workload", Map.of("workload", "Deployment", "namespace", NS, "name", deployment, "container", "app"));
    }

    private void createDeployment(String name, String image) {
        kube.resource(new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2).withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withContainers(new ContainerBuilder().withName("app").withImage(image).build()).endSpec()
                .endTemplate().endSpec().build()).create();
        await("deployment " + name + " available").atMost(Api.WAIT).until(() -> kube.apps().deployments().inNamespace(NS).withName(name).get(),
                dep -> dep != null && dep.getStatus() != null && Integer.valueOf(2).equals(dep.getStatus().getAvailableReplicas()));
    }

    private String image(String name) {
        return kube.apps().deployments().inNamespace(NS).withName(name).get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** The test's controller: each Deployment's status follows its spec (available, or stalled for a broken digest). */
    private void reconcile() {
        try {
            for (Deployment dep : kube.apps().deployments().inNamespace(NS).list().getItems()) {
                long generation = dep.getMetadata().getGeneration() == null ? 0 : dep.getMetadata().getGeneration();
                String image = dep.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
                boolean broken = brokenDigests.stream().anyMatch(image::endsWith);
                String seen = generation + " " + image;
                if (seen.equals(reconciled.get(dep.getMetadata().getName()))) {
                    continue;
                }
                int replicas = dep.getSpec().getReplicas();
                kube.apps().deployments().inNamespace(NS).withName(dep.getMetadata().getName()).editStatus(d -> {
                    DeploymentBuilder b = new DeploymentBuilder(d);
                    if (broken) {
                        return b.editOrNewStatus().withObservedGeneration(generation).withReplicas(replicas + 1)
                                .withUpdatedReplicas(1).withAvailableReplicas(replicas)
                                .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                                        .withReason("ProgressDeadlineExceeded").withMessage("new pods crash-loop").build())
                                .endStatus().build();
                    }
                    return b.editOrNewStatus().withObservedGeneration(generation).withReplicas(replicas)
                            .withUpdatedReplicas(replicas).withAvailableReplicas(replicas)
                            .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                                    .withReason("NewReplicaSetAvailable").withMessage("rolled out").build())
                            .endStatus().build();
                });
                reconciled.put(dep.getMetadata().getName(), seen);
            }
        } catch (RuntimeException e) {
            // the next round tries again (a conflict with the deployer's patch, say)
        }
    }
}
