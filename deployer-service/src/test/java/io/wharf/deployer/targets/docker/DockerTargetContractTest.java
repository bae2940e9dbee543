package io.wharf.deployer.targets.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.DeployTargetContract;
import io.wharf.infra.Net;
import io.wharf.outbound.SecretBox;

/**
 * The Docker target passes the {@link DeployTargetContract} against a real engine and a real registry
 * ({@link PrivateDockerHost}, one for the class): each test gets its own container running v1 and the
 * target deploys v2 as pushed, pinned to its digest. The engine is the workload's controller: a healthy
 * rollout is the new container staying up, a failed one is its process dying (killed, with no restart
 * policy to bring it back). Skipped like {@link DockerTargetTest} where no engine can run, failed in CI.
 */
class DockerTargetContractTest extends DeployTargetContract<DockerSettings> {

    private static final String REPOSITORY = "shop/web";
    private static final String PASSWORD = "contract-registry-pw-1234";
    private static final SecretBox BOX = new SecretBox(Base64.getEncoder().encodeToString(new byte[32]));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LABEL = "wharf.contract-test=1";

    private static PrivateDockerHost host;
    private static Vertx vertx;
    private static DockerTarget target;
    private static String v1;
    private static String v1Pinned;
    private static String v2;
    private static int containers;

    @BeforeAll
    static void startEngineAndRegistry() throws Exception {
        host = PrivateDockerHost.startOrSkip("the Docker target contract test");
        v1 = host.registry + "/" + REPOSITORY + ":v1";
        v1Pinned = v1 + "@" + host.pushImage(REPOSITORY, "v1", "v1");
        v2 = host.registry + "/" + REPOSITORY + ":v2@" + host.pushImage(REPOSITORY, "v2", "v2");
        host.docker("rmi", host.registry + "/" + REPOSITORY + ":v2");   // the first apply pulls it
        vertx = PrivateDockerHost.nativeVertx();
        target = PrivateDockerHost.target(vertx, BOX);
    }

    @AfterAll
    static void stopEngineAndRegistry() throws Exception {
        PrivateDockerHost.closeAll(target, vertx, host);
    }

    /** Removes this test's containers: its workload, its successor and the kept one (they share the label). */
    @AfterEach
    void removeContainers() throws Exception {
        for (String id : host.docker("ps", "-aq", "--filter", "label=" + LABEL).split("\\s+")) {
            if (!id.isBlank()) {
                host.docker("rm", "-f", id);
            }
        }
    }

    @Override
    protected String deployedImage() {
        return v2;
    }

    @Override
    protected DeployTarget<DockerSettings> target() {
        return target;
    }

    /** A new container running v1 by its tag, with no restart policy, so a process that dies stays down. */
    @Override
    protected DockerSettings freshWorkload() throws Exception {
        String name = "web-" + ++containers;
        host.docker("run", "-d", "--name", name, "--network", "none", "--label", LABEL, v1);
        return new DockerSettings("unix://" + host.socket, name, null);
    }

    @Override
    protected DockerSettings settingsMissingARequiredField() {
        return new DockerSettings("unix://" + host.socket, null, null);
    }

    /** The tag the container was started with, pinned to the digest its image was pulled by. */
    @Override
    protected String initialImage() {
        return v1Pinned;
    }

    @Override
    protected String imageTheWorkloadWasGiven(DockerSettings settings) throws Exception {
        return JSON.readTree(host.docker("inspect", "--type", "container", settings.container())).get(0)
                .path("Config").path("Image").asText();
    }

    @Override
    protected boolean knowsWhatItRuns() {
        return true;
    }

    @Override
    protected boolean watchesRollouts() {
        return true;
    }

    /** The new container's process dies: SIGKILL, and nothing restarts it. */
    @Override
    protected String rollOutUnhealthy(DockerSettings settings) throws Exception {
        host.docker("kill", settings.container());
        assertEquals("137", host.docker("wait", settings.container()).strip(), "killed");
        return "container " + settings.container() + " exited with code 137";
    }

    /** An engine address nothing listens on, with pull credentials whose password is sealed as stored rules hold it. */
    @Override
    protected DockerSettings unreachableWorkload() {
        return new DockerSettings("tcp://127.0.0.1:" + Net.freePort(), "web",
                new DockerSettings.RegistryAuth("robot$shop+deployer", BOX.seal(PASSWORD)));
    }

    @Override
    protected List<String> secretsIn(DockerSettings settings) {
        return List.of(PASSWORD, settings.registryAuth().password());
    }

    /** An engine that cannot be reached is named by its address: the container is never asked for. */
    @Override
    protected String nameIn(DockerSettings settings) {
        return settings.host();
    }
}
