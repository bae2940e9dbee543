package io.wharf.deployer.support;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * fabric8's mock API server in CRUD mode for a @QuarkusTest: it simulates the Kubernetes API server
 * (stores objects, applies patches, serves the status subresource) but runs no controllers. The
 * deployer's Kubernetes client is pointed at it; {@link #client()} gives the test its own client.
 */
public class KubeApiServer implements QuarkusTestResourceLifecycleManager {

    private static KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        return Map.of("quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "default",
                "wharf.deployer.kubernetes.poll-interval", "100ms");
    }

    public static NamespacedKubernetesClient client() {
        return server.createClient();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
