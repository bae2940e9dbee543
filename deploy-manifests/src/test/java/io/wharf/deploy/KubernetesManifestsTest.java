package io.wharf.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/** The invariants every overlay of k8s/ must keep, checked on what kustomize renders. */
class KubernetesManifestsTest {

    private static final String NAMESPACE = "wharf";

    private static Container serviceContainer(RenderedOverlay k8s, ServiceModule service) {
        PodSpec pod = k8s.get(Deployment.class, service.name()).getSpec().getTemplate().getSpec();
        return pod.getContainers().stream().filter(c -> c.getName().equals(service.name())).findFirst()
                .orElseThrow(() -> new AssertionError(k8s.overlay + ": Deployment " + service.name()
                        + " has no container named " + service.name()));
    }

    private static Stream<PodSpec> podSpecs(RenderedOverlay k8s) {
        return Stream.concat(k8s.all(Deployment.class).stream().map(d -> d.getSpec().getTemplate().getSpec()),
                k8s.all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate().getSpec()));
    }

    private static String workloadName(RenderedOverlay k8s, PodSpec pod) {
        return Stream.concat(k8s.all(Deployment.class).stream().filter(d -> d.getSpec().getTemplate().getSpec() == pod),
                k8s.all(StatefulSet.class).stream().filter(s -> s.getSpec().getTemplate().getSpec() == pod))
                .map(o -> o.getKind() + " " + o.getMetadata().getName()).findFirst().orElse("?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void rendersOnlyKnownKindsWithKnownFieldsIntoOneNamespace(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        assertFalse(k8s.objects.isEmpty(), overlay + " renders nothing");
        k8s.get(Namespace.class, NAMESPACE);
        for (HasMetadata object : k8s.objects) {
            if (!(object instanceof Namespace)) {
                assertEquals(NAMESPACE, object.getMetadata().getNamespace(),
                        overlay + ": " + object.getKind() + " " + object.getMetadata().getName() + " is outside the namespace");
            }
        }
        assertTrue(k8s.all(ClusterRole.class).isEmpty() && k8s.all(ClusterRoleBinding.class).isEmpty(),
                overlay + ": Wharf needs no cluster-wide permissions");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceProbesItsHealthEndpointsOnThePortItListensOn(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        for (ServiceModule service : ServiceModule.all()) {
            Container container = serviceContainer(k8s, service);
            String where = overlay + ": " + service.name();
            ContainerPort port = container.getPorts().stream().filter(p -> p.getContainerPort() == service.httpPort())
                    .findFirst().orElseThrow(() -> new AssertionError(where + " does not expose " + service.httpPort()
                            + " (quarkus.http.port in its application.properties)"));
            assertProbe(container.getLivenessProbe(), "/q/health/live", port, where + " liveness probe");
            assertProbe(container.getReadinessProbe(), "/q/health/ready", port, where + " readiness probe");
            if (container.getStartupProbe() != null) {
                assertProbe(container.getStartupProbe(), container.getStartupProbe().getHttpGet().getPath(), port,
                        where + " startup probe");
                assertTrue(container.getStartupProbe().getHttpGet().getPath().startsWith("/q/health/"), where + " startup probe");
            }
            Service k8sService = k8s.get(Service.class, service.name());
            assertEquals(service.name(), k8sService.getSpec().getSelector().get("app.kubernetes.io/name"), where + " Service selector");
            assertEquals(k8s.get(Deployment.class, service.name()).getSpec().getTemplate().getMetadata().getLabels()
                    .get("app.kubernetes.io/name"), service.name(), where + " pod label");
            assertTrue(k8sService.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == service.httpPort()
                    && targets(p.getTargetPort(), port)), where + " Service does not forward " + service.httpPort() + " to the container");
        }
    }

    private static void assertProbe(Probe probe, String path, ContainerPort port, String what) {
        assertNotNull(probe, what + " is missing");
        assertNotNull(probe.getHttpGet(), what + " is not an HTTP GET");
        assertEquals(path, probe.getHttpGet().getPath(), what + " path");
        assertTrue(targets(probe.getHttpGet().getPort(), port), what + " port " + probe.getHttpGet().getPort()
                + " is not the service's port " + port.getContainerPort());
    }

    private static boolean targets(IntOrString target, ContainerPort port) {
        return target != null && (Objects.equals(target.getIntVal(), port.getContainerPort())
                || target.getStrVal() != null && target.getStrVal().equals(port.getName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerRunsAsNonRootWithoutCapabilities(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        podSpecs(k8s).forEach(pod -> {
            PodSecurityContext podContext = Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
            for (Container container : pod.getContainers()) {
                String where = overlay + ": " + workloadName(k8s, pod) + " container " + container.getName();
                SecurityContext context = container.getSecurityContext();
                assertNotNull(context, where + " has no securityContext");
                Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : podContext.getRunAsNonRoot();
                Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext.getRunAsUser();
                assertEquals(Boolean.TRUE, nonRoot, where + " runAsNonRoot");
                assertTrue(user != null && user != 0, where + " runs as uid " + user);
                assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), where + " allowPrivilegeEscalation");
                assertTrue(context.getCapabilities() != null && context.getCapabilities().getDrop().contains("ALL"),
                        where + " does not drop ALL capabilities");
                assertTrue(context.getCapabilities().getAdd() == null || context.getCapabilities().getAdd().isEmpty(),
                        where + " adds capabilities");
                assertNotNull(container.getResources().getRequests().get("cpu"), where + " has no CPU request");
                assertNotNull(container.getResources().getRequests().get("memory"), where + " has no memory request");
                assertNotNull(container.getResources().getLimits().get("memory"), where + " has no memory limit");
            }
        });
        for (ServiceModule service : ServiceModule.all()) {
            assertEquals(Boolean.TRUE, serviceContainer(k8s, service).getSecurityContext().getReadOnlyRootFilesystem(),
                    overlay + ": " + service.name() + " should run on a read-only root filesystem");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesRunImagesTaggedWithTheProjectVersion(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        String version = ServiceModule.projectVersion();
        Set<String> tags = new HashSet<>();
        for (ServiceModule service : ServiceModule.all()) {
            String image = serviceContainer(k8s, service).getImage();
            int colon = image.lastIndexOf(':');
            assertTrue(colon > image.lastIndexOf('/'), overlay + ": " + service.name() + " image " + image + " has no tag");
            assertTrue(image.substring(0, colon).endsWith("/" + service.name()),
                    overlay + ": " + service.name() + " runs " + image);
            tags.add(image.substring(colon + 1));
        }
        assertEquals(Set.of(version), tags, overlay + ": the services' image tags must all be the project version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void deployerMayReadAndPatchExactlyTheWorkloadsItUpdates(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        PodSpec deployer = k8s.get(Deployment.class, "deployer-service").getSpec().getTemplate().getSpec();
        String account = deployer.getServiceAccountName();
        assertNotNull(account, overlay + ": the deployer runs without its own ServiceAccount");
        k8s.get(ServiceAccount.class, account);
        assertNotEquals(Boolean.FALSE, deployer.getAutomountServiceAccountToken(), overlay + ": the deployer needs its token");

        List<RoleBinding> bindings = k8s.all(RoleBinding.class).stream().filter(b -> b.getSubjects().stream()
                .anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(account)
                        && NAMESPACE.equals(s.getNamespace()))).toList();
        assertEquals(1, bindings.size(), overlay + ": RoleBindings of " + account);
        assertEquals("Role", bindings.get(0).getRoleRef().getKind());
        Role role = k8s.get(Role.class, bindings.get(0).getRoleRef().getName());
        assertEquals(1, role.getRules().size(), overlay + ": the deployer's Role should hold one rule: " + role.getRules());
        PolicyRule rule = role.getRules().get(0);
        assertEquals(List.of("apps"), rule.getApiGroups(), overlay + ": the deployer's API groups");
        assertEquals(Set.of("deployments", "statefulsets", "daemonsets"), Set.copyOf(rule.getResources()), overlay + ": the deployer's resources");
        assertEquals(Set.of("get", "list", "watch", "patch"), Set.copyOf(rule.getVerbs()), overlay + ": the deployer's verbs");
        assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());

        for (String other : List.of("registry-service", "notifier-service")) {
            assertEquals(Boolean.FALSE, k8s.get(Deployment.class, other).getSpec().getTemplate().getSpec()
                    .getAutomountServiceAccountToken(), overlay + ": " + other + " needs no Kubernetes API token");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void registryIngressTakesLayersOfAnySizeAndSlowPushes(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        Ingress ingress = k8s.only(Ingress.class);
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        assertEquals("0", annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"), overlay + ": body size limit");
        assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-request-buffering"), overlay + ": uploads buffered");
        for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
            String value = annotations.get("nginx.ingress.kubernetes.io/" + timeout);
            assertTrue(value != null && Integer.parseInt(value) >= 900, overlay + ": " + timeout + " is " + value);
        }
        List<IngressBackend> backends = ingress.getSpec().getRules().stream()
                .flatMap(r -> r.getHttp().getPaths().stream()).map(p -> p.getBackend()).toList();
        assertFalse(backends.isEmpty());
        for (IngressBackend backend : backends) {
            assertEquals("registry-service", backend.getService().getName(), overlay + ": Ingress backend");
            String port = backend.getService().getPort().getName();
            Integer number = backend.getService().getPort().getNumber();
            assertTrue(k8s.get(Service.class, "registry-service").getSpec().getPorts().stream()
                    .anyMatch(p -> p.getName().equals(port) || p.getPort().equals(number)), overlay + ": Ingress port");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void registryScalesHorizontallyOnSharedBlobStorage(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        HorizontalPodAutoscaler hpa = k8s.only(HorizontalPodAutoscaler.class);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("registry-service", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());

        ServiceModule service = ServiceModule.named("registry-service");
        Map<String, String> env = imageAndContainerEnvironment(k8s, service);
        assertFalse(service.resolve("wharf.auth.admin.password", env).isEmpty(), overlay + ": no admin password");
        if (service.resolve("wharf.registry.storage.kind", env).equalsIgnoreCase("s3")) {
            return; // prodRunsSeveralRegistryReplicasOnS3WithoutASharedVolume
        }
        // Blobs and the signing key are files: every replica writes them on the one claim.
        Container container = serviceContainer(k8s, service);
        Volume claim = k8s.get(Deployment.class, service.name()).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": registry-service mounts no PersistentVolumeClaim"));
        k8s.get(PersistentVolumeClaim.class, claim.getPersistentVolumeClaim().getClaimName());
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals(claim.getName()))
                .findFirst().orElseThrow();
        for (String key : ServiceModule.REGISTRY_WRITES) {
            String path = service.resolve(key, env);
            assertNotNull(path, "registry-service no longer has the setting " + key);
            assertTrue(path.startsWith(mount.getMountPath() + "/"),
                    overlay + ": registry-service writes " + key + " = " + path + " outside its claim at " + mount.getMountPath());
        }
    }

    @Test
    void prodRunsSeveralRegistryReplicasOnS3WithoutASharedVolume() {
        RenderedOverlay k8s = RenderedOverlay.of("prod");
        ServiceModule service = ServiceModule.named("registry-service");
        Deployment registry = k8s.get(Deployment.class, service.name());
        assertTrue(registry.getSpec().getReplicas() > 1, "prod: registry replicas " + registry.getSpec().getReplicas());
        assertTrue(k8s.only(HorizontalPodAutoscaler.class).getSpec().getMinReplicas() > 1, "prod: the autoscaler may go down to one registry");
        Map<String, String> env = imageAndContainerEnvironment(k8s, service);
        assertEquals("s3", service.resolve("wharf.registry.storage.kind", env), "prod: registry storage (WHARF_STORAGE)");
        assertFalse(service.resolve("wharf.registry.storage.s3.bucket", env).isBlank(), "prod: no S3 bucket");

        // No ReadWriteMany claim anywhere, and no claim at all in the registry's pods.
        for (PersistentVolumeClaim claim : k8s.all(PersistentVolumeClaim.class)) {
            assertFalse(claim.getSpec().getAccessModes().contains("ReadWriteMany"),
                    "prod: PersistentVolumeClaim " + claim.getMetadata().getName() + " asks for ReadWriteMany");
        }
        PodSpec pod = registry.getSpec().getTemplate().getSpec();
        assertTrue(pod.getVolumes().stream().allMatch(v -> v.getPersistentVolumeClaim() == null),
                "prod: registry-service mounts a PersistentVolumeClaim: " + pod.getVolumes());

        // The S3 credentials come from a Secret, by reference: no ConfigMap and no literal value holds them.
        Container container = serviceContainer(k8s, service);
        for (String variable : List.of("WHARF_S3_ACCESS_KEY", "WHARF_S3_SECRET_KEY")) {
            EnvVar set = container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                    .orElseThrow(() -> new AssertionError("prod: registry-service gets no " + variable));
            assertTrue(set.getValue() == null && set.getValueFrom() != null && set.getValueFrom().getSecretKeyRef() != null,
                    "prod: " + variable + " is not taken from a Secret: " + set);
            assertNotNull(env.get(variable), "prod: the Secret behind " + variable + " is missing");
        }
        for (ConfigMap map : k8s.all(ConfigMap.class)) {
            assertTrue(map.getData().keySet().stream().noneMatch(k -> k.startsWith("WHARF_S3_") && k.endsWith("_KEY")),
                    "prod: ConfigMap " + map.getMetadata().getName() + " holds S3 credentials");
        }

        // Several replicas stay up through voluntary disruptions, on different nodes where possible.
        Map<String, String> labels = registry.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget budget = k8s.get(PodDisruptionBudget.class, service.name());
        assertTrue(labels.entrySet().containsAll(budget.getSpec().getSelector().getMatchLabels().entrySet()),
                "prod: the PodDisruptionBudget does not select the registry's pods");
        IntOrString unavailable = budget.getSpec().getMaxUnavailable();
        assertTrue(unavailable != null && Objects.equals(unavailable.getIntVal(), 1), "prod: PodDisruptionBudget maxUnavailable " + unavailable);
        assertTrue(pod.getAffinity() != null && pod.getAffinity().getPodAntiAffinity() != null,
                "prod: registry replicas may all land on one node (no pod anti-affinity)");
    }

    /** Every registry replica signs with one key, and the notifier and the deployer check tokens with its public half. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesShareOneTokenSigningKey(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        ServiceModule registry = ServiceModule.named("registry-service");
        String privateKey = registry.resolve("wharf.auth.signing-key", imageAndContainerEnvironment(k8s, registry));
        String publicKey = privateKey.replaceFirst("\\.pem$", ".pub.pem");
        String signer = fileSource(k8s, registry, privateKey);
        String published = fileSource(k8s, registry, publicKey);
        if (signer.startsWith("claim ")) {
            assertEquals(signer, published, overlay + ": the public key is not beside the private one");
        } else {
            assertTrue(signer.startsWith("secret ") && published.startsWith("secret "), overlay + ": " + signer + ", " + published);
        }
        for (String name : List.of("notifier-service", "deployer-service")) {
            ServiceModule service = ServiceModule.named(name);
            String location = service.resolve("mp.jwt.verify.publickey.location", imageAndContainerEnvironment(k8s, service));
            assertEquals(published, fileSource(k8s, service, location),
                    overlay + ": " + name + " reads a public key of its own at " + location);
        }
    }

    /**
     * Where the service's container finds the file at {@code path}: "claim NAME" (the path under a claim's
     * mount), or "secret NAME KEY" (a Secret volume's item, the Secret checked to have the key).
     */
    private static String fileSource(RenderedOverlay k8s, ServiceModule service, String path) {
        PodSpec pod = k8s.get(Deployment.class, service.name()).getSpec().getTemplate().getSpec();
        for (VolumeMount mount : serviceContainer(k8s, service).getVolumeMounts()) {
            if (!path.startsWith(mount.getMountPath() + "/")) {
                continue;
            }
            String relative = path.substring(mount.getMountPath().length() + 1);
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            if (volume.getPersistentVolumeClaim() != null) {
                return "claim " + k8s.get(PersistentVolumeClaim.class, volume.getPersistentVolumeClaim().getClaimName()).getMetadata().getName();
            }
            if (volume.getSecret() != null) {
                String secret = volume.getSecret().getSecretName();
                String key = volume.getSecret().getItems() == null || volume.getSecret().getItems().isEmpty() ? relative
                        : volume.getSecret().getItems().stream().filter(i -> i.getPath().equals(relative)).map(i -> i.getKey())
                                .findFirst().orElseThrow(() -> new AssertionError(k8s.overlay + ": " + service.name()
                                        + " has no " + relative + " in its Secret volume " + volume.getName()));
                assertTrue(secretData(k8s.get(Secret.class, secret)).containsKey(key), k8s.overlay + ": Secret " + secret + " has no " + key);
                return "secret " + secret + " " + key;
            }
        }
        throw new AssertionError(k8s.overlay + ": " + service.name() + " has " + path + " on no claim or Secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesAreConfiguredOnlyWithKeysTheyRead(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        Set<String> usedConfigMaps = new HashSet<>();
        podSpecs(k8s).flatMap(p -> p.getContainers().stream()).forEach(c -> {
            c.getEnvFrom().stream().filter(e -> e.getConfigMapRef() != null).forEach(e -> usedConfigMaps.add(e.getConfigMapRef().getName()));
            c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null)
                    .forEach(e -> usedConfigMaps.add(e.getValueFrom().getConfigMapKeyRef().getName()));
        });
        for (ConfigMap map : k8s.all(ConfigMap.class)) {
            assertTrue(usedConfigMaps.contains(map.getMetadata().getName()),
                    overlay + ": ConfigMap " + map.getMetadata().getName() + " is read by no container");
        }
        for (ServiceModule service : ServiceModule.all()) {
            for (String variable : environment(k8s, serviceContainer(k8s, service)).keySet()) {
                assertTrue(service.reads(variable), overlay + ": " + service.name() + " is given " + variable
                        + ", which it does not read (no such key in its application.properties or @ConfigMapping)");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void notifierAndDeployerGetTheKeysThatSealTheirSecrets(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        Map<String, String> keys = new HashMap<>();
        for (String name : List.of("notifier", "deployer")) {
            ServiceModule service = ServiceModule.named(name + "-service");
            String key = service.resolve("wharf." + name + ".secrets-key", imageAndContainerEnvironment(k8s, service));
            assertNotNull(key, overlay + ": " + service.name() + " gets no wharf." + name + ".secrets-key");
            assertEquals(32, Base64.getDecoder().decode(key).length, overlay + ": " + service.name() + " key is not 32 bytes");
            keys.put(name, key);
        }
        assertNotEquals(keys.get("notifier"), keys.get("deployer"), overlay + ": the two services share one key");
    }

    /** What the service's process sees: its image's ENV, then what the pod sets. */
    private static Map<String, String> imageAndContainerEnvironment(RenderedOverlay k8s, ServiceModule service) {
        Map<String, String> env = new HashMap<>(DockerfilesTest.parse(service.dockerfile()).env());
        env.putAll(environment(k8s, serviceContainer(k8s, service)));
        return env;
    }

    /** The container's environment as Kubernetes builds it, every reference resolved (and checked to resolve). */
    private static Map<String, String> environment(RenderedOverlay k8s, Container container) {
        Map<String, String> environment = new HashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            Map<String, String> data;
            if (source.getConfigMapRef() != null) {
                data = k8s.get(ConfigMap.class, source.getConfigMapRef().getName()).getData();
            } else {
                data = secretData(k8s.get(Secret.class, source.getSecretRef().getName()));
            }
            data.forEach((k, v) -> environment.put(Objects.toString(source.getPrefix(), "") + k, v));
        }
        for (EnvVar variable : container.getEnv()) {
            String value = variable.getValue();
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                var ref = variable.getValueFrom().getSecretKeyRef();
                value = secretData(k8s.get(Secret.class, ref.getName())).get(ref.getKey());
                assertNotNull(value, k8s.overlay + ": Secret " + ref.getName() + " has no key " + ref.getKey());
            } else if (variable.getValueFrom() != null && variable.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = variable.getValueFrom().getConfigMapKeyRef();
                value = k8s.get(ConfigMap.class, ref.getName()).getData().get(ref.getKey());
                assertNotNull(value, k8s.overlay + ": ConfigMap " + ref.getName() + " has no key " + ref.getKey());
            }
            environment.put(variable.getName(), value);
        }
        return environment;
    }

    private static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        return data;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void committedSecretsAreMarkedAsExamples(String overlay) {
        for (Secret secret : RenderedOverlay.of(overlay).all(Secret.class)) {
            assertEquals("true", secret.getMetadata().getAnnotations().get("wharf.io/example-values"),
                    overlay + ": Secret " + secret.getMetadata().getName() + " is not marked as example values");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesReachKafkaAndPostgresWhereTheOverlayRunsThem(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        boolean inCluster = overlay.equals("dev");
        assertEquals(inCluster ? Set.of("kafka", "postgres") : Set.of(),
                Set.copyOf(k8s.all(StatefulSet.class).stream().map(s -> s.getMetadata().getName()).toList()),
                overlay + ": in-cluster StatefulSets");
        for (ServiceModule service : ServiceModule.all()) {
            Map<String, String> env = environment(k8s, serviceContainer(k8s, service));
            List<URI> endpoints = new ArrayList<>();
            for (String server : env.get("KAFKA_BOOTSTRAP_SERVERS").split(",")) {
                endpoints.add(URI.create("kafka://" + server.trim()));
            }
            endpoints.add(URI.create(env.get("QUARKUS_DATASOURCE_REACTIVE_URL")));
            endpoints.add(URI.create(env.get("QUARKUS_DATASOURCE_JDBC_URL").substring("jdbc:".length())));
            for (URI endpoint : endpoints) {
                String host = endpoint.getHost();
                assertNotNull(host, overlay + ": " + service.name() + " endpoint without a host: " + endpoint);
                Optional<Service> local = k8s.find(Service.class, host);
                if (host.contains(".")) {
                    assertFalse(host.endsWith("." + NAMESPACE + ".svc") || host.endsWith("." + NAMESPACE + ".svc.cluster.local"),
                            overlay + ": " + endpoint + " names a Service of this namespace by its long name");
                } else {
                    assertTrue(local.isPresent() && local.get().getSpec().getPorts().stream()
                            .anyMatch(p -> p.getPort() == endpoint.getPort()),
                            overlay + ": " + service.name() + " connects to " + endpoint + ", which no Service here serves");
                }
            }
            assertEquals(URI.create(env.get("QUARKUS_DATASOURCE_REACTIVE_URL")).getPath(),
                    URI.create(env.get("QUARKUS_DATASOURCE_JDBC_URL").substring("jdbc:".length())).getPath(),
                    overlay + ": " + service.name() + " migrates one database and uses another");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkIsDeniedUnlessAPolicyAllowsIt(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        List<NetworkPolicy> policies = k8s.all(NetworkPolicy.class);
        assertTrue(policies.stream().anyMatch(p -> selectsEveryPod(p)
                && Set.copyOf(p.getSpec().getPolicyTypes()).equals(Set.of("Ingress", "Egress"))
                && p.getSpec().getIngress().isEmpty() && p.getSpec().getEgress().isEmpty()),
                overlay + ": no default-deny NetworkPolicy for all pods, both directions");
        for (ServiceModule service : ServiceModule.all()) {
            Map<String, String> labels = k8s.get(Deployment.class, service.name()).getSpec().getTemplate().getMetadata().getLabels();
            List<NetworkPolicy> own = policies.stream().filter(p -> {
                Map<String, String> match = p.getSpec().getPodSelector().getMatchLabels();
                return match != null && !match.isEmpty() && labels.entrySet().containsAll(match.entrySet());
            }).toList();
            assertTrue(own.stream().flatMap(p -> p.getSpec().getIngress().stream())
                    .flatMap(rule -> rule.getPorts().stream()).map(NetworkPolicyPort::getPort)
                    .anyMatch(port -> port != null && Objects.equals(port.getIntVal(), service.httpPort())),
                    overlay + ": no NetworkPolicy lets traffic in to " + service.name() + " on " + service.httpPort());
            Set<Integer> egressPorts = new HashSet<>();
            own.stream().flatMap(p -> p.getSpec().getEgress().stream()).flatMap(rule -> rule.getPorts().stream())
                    .forEach(port -> egressPorts.add(port.getPort().getIntVal()));
            assertTrue(egressPorts.containsAll(Set.of(5432, 9092)),
                    overlay + ": " + service.name() + " may not reach PostgreSQL and Kafka: egress " + egressPorts);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void notifierAndDeployerReachTheRegistryApiThatSaysTheirCallersRoles(String overlay) {
        RenderedOverlay k8s = RenderedOverlay.of(overlay);
        ServiceModule registry = ServiceModule.named("registry-service");
        for (ServiceModule service : List.of(ServiceModule.named("notifier-service"), ServiceModule.named("deployer-service"))) {
            String url = service.resolve("wharf.access.registry-url", imageAndContainerEnvironment(k8s, service));
            assertNotNull(url, overlay + ": " + service.name() + " gets no wharf.access.registry-url");
            URI api = URI.create(url);
            assertEquals(registry.name(), api.getHost(), overlay + ": " + service.name() + " asks " + url + " for its callers' roles");
            assertTrue(k8s.get(Service.class, registry.name()).getSpec().getPorts().stream().anyMatch(p -> p.getPort() == api.getPort()
                    && targets(p.getTargetPort(), serviceContainer(k8s, registry).getPorts().stream()
                            .filter(c -> c.getContainerPort() == registry.httpPort()).findFirst().orElseThrow())),
                    overlay + ": the registry Service does not serve " + url);

            Map<String, String> serviceLabels = podLabels(k8s, service);
            Map<String, String> registryLabels = podLabels(k8s, registry);
            boolean allowed = k8s.all(NetworkPolicy.class).stream()
                    .filter(p -> p.getSpec().getPodSelector().getMatchLabels() != null
                            && serviceLabels.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                    .flatMap(p -> p.getSpec().getEgress().stream())
                    .anyMatch(rule -> rule.getTo().stream().anyMatch(peer -> peer.getPodSelector() != null
                            && peer.getNamespaceSelector() == null && peer.getPodSelector().getMatchLabels() != null
                            && registryLabels.entrySet().containsAll(peer.getPodSelector().getMatchLabels().entrySet()))
                            && rule.getPorts().stream().anyMatch(port -> Objects.equals(port.getPort().getIntVal(), registry.httpPort())));
            assertTrue(allowed, overlay + ": no NetworkPolicy lets " + service.name() + " out to registry-service on " + registry.httpPort());
        }
    }

    private static Map<String, String> podLabels(RenderedOverlay k8s, ServiceModule service) {
        return k8s.get(Deployment.class, service.name()).getSpec().getTemplate().getMetadata().getLabels();
    }

    private static boolean selectsEveryPod(NetworkPolicy policy) {
        var selector = policy.getSpec().getPodSelector();
        return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }
}
