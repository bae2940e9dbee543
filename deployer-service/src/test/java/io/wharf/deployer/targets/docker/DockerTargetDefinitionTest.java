package io.wharf.deployer.targets.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Vertx;
import io.wharf.deployer.targets.Place;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.outbound.SecretBox;

/** How an administrator's Docker host target and a rule's container become the target's settings (no engine needed). */
class DockerTargetDefinitionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Vertx vertx;
    private static DockerTarget target;

    @BeforeAll
    static void createTarget() {
        vertx = Vertx.vertx();
        target = PrivateDockerHost.target(vertx, new SecretBox(Base64.getEncoder().encodeToString(new byte[32])));
    }

    @AfterAll
    static void close() {
        target.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static ObjectNode auth(String password) {
        ObjectNode settings = JSON.createObjectNode();
        settings.putObject("registryAuth").put("username", "robot").put("password", password);
        return settings;
    }

    @Test
    void showsTheRegistryPasswordMaskedAndJoinsTheRulesContainer() {
        TargetDefinition defined = target.define(" tcp://docker.internal:2375 ", auth("pw-1"), JSON.createObjectNode());
        assertEquals("tcp://docker.internal:2375", defined.endpoint());
        assertEquals("********", defined.settings().path("registryAuth").path("password").asText());
        assertFalse(defined.settings().toString().contains("pw-1"));
        assertNull(defined.newSecret(), "a password the administrator brought is not shown back");

        DockerSettings settings = target.settings(defined, false, JSON.createObjectNode().put("container", "web"));
        assertEquals(new DockerSettings("tcp://docker.internal:2375", "web", new DockerSettings.RegistryAuth("robot", "pw-1")), settings);
        assertEquals(new Place(null, "web"), target.place(settings));
        assertEquals("{\"container\":\"web\"}", target.workload(settings).toString());
    }

    @Test
    void aMaskedPasswordKeepsTheStoredOneOrDropsTheCredentials() {
        ObjectNode stored = target.define("unix:///run/docker.sock", auth("pw-1"), JSON.createObjectNode()).credentials();
        assertEquals("pw-1", target.define("unix:///run/docker.sock", auth("********"), stored).credentials()
                .path("registryAuth").path("password").asText());
        TargetDefinition dropped = target.define("unix:///run/docker.sock", auth("********"), JSON.createObjectNode());
        assertTrue(dropped.credentials().isEmpty() && dropped.settings().isEmpty(), "nothing to keep: pulls are anonymous");
    }

    @Test
    void refusesWhatIsNotADockerHostOrAContainer() {
        assertThrows(IllegalArgumentException.class, () -> target.endpointOf("http://docker:2375"));
        assertThrows(IllegalArgumentException.class, () -> target.define("unix:///run/docker.sock",
                JSON.createObjectNode().put("container", "web"), JSON.createObjectNode()));
        TargetDefinition host = target.define("unix:///run/docker.sock", JSON.createObjectNode(), JSON.createObjectNode());
        assertThrows(IllegalArgumentException.class, () -> target.settings(host, false, JSON.createObjectNode().put("container", "-x")));
        assertThrows(IllegalArgumentException.class, () -> target.settings(host, false,
                JSON.createObjectNode().put("container", "web").put("host", "tcp://10.0.0.5:2375")));
    }
}
