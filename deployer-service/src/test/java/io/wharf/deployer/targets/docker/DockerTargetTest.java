package io.wharf.deployer.targets.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.TargetException;
import io.wharf.deployer.targets.Verification;
import io.wharf.outbound.SecretBox;

/**
 * The Docker target against a real Docker engine and a real registry ({@link PrivateDockerHost}): it
 * pulls what was pushed, replaces real containers and watches their real state and health checks.
 * Without root or the Debian packages the test is skipped with the reason, except in CI
 * ({@code CI=true}), where that is a failure.
 */
class DockerTargetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPOSITORY = "shop/web";

    private static PrivateDockerHost host;
    private static Vertx vertx;
    private static DockerTarget target;
    private static String v1;
    private static String v1Pinned;
    private static String v2;
    private static String v2Digest;

    @BeforeAll
    static void startEngineAndRegistry() throws Exception {
        host = PrivateDockerHost.startOrSkip("the Docker target test");
        String v1Digest = host.pushImage(REPOSITORY, "v1", "v1");
        v2Digest = host.pushImage(REPOSITORY, "v2", "v2");
        v1 = host.registry + "/" + REPOSITORY + ":v1";
        v1Pinned = v1 + "@" + v1Digest;
        v2 = host.registry + "/" + REPOSITORY + ":v2@" + v2Digest;
        assertNotEquals(v1Digest, v2Digest);
        host.docker("rmi", host.registry + "/" + REPOSITORY + ":v2");   // apply must pull it
        vertx = PrivateDockerHost.nativeVertx();
        target = PrivateDockerHost.target(vertx, new SecretBox(Base64.getEncoder().encodeToString(new byte[32])));
    }

    @AfterAll
    static void stopEngineAndRegistry() throws Exception {
        PrivateDockerHost.closeAll(target, vertx, host);
    }

    @Test
    void replacesTheContainerWithThePulledDigestKeepingItsConfiguration() throws Exception {
        host.docker("run", "-d", "--name", "web", "--network", "none", "-e", "GREETING=hello", "--label", "team=shop",
                "--restart", "unless-stopped", v1);
        String oldId = inspect("web").path("Id").asText();
        DockerSettings settings = settings("web");
        assertEquals(v1Pinned, target.current(settings).await().indefinitely(), "the image run now, pinned to its digest");

        DeployOrder order = order(v2, v1);
        target.apply(settings, order).await().indefinitely();

        JsonNode web = inspect("web");
        assertNotEquals(oldId, web.path("Id").asText(), "a new container took the name");
        assertEquals(v2, web.path("Config").path("Image").asText(), "it runs exactly the pinned reference");
        assertTrue(web.path("Config").path("Env").toString().contains("GREETING=hello"), web.path("Config").toString());
        assertEquals("shop", web.path("Config").path("Labels").path("team").asText());
        assertEquals("unless-stopped", web.path("HostConfig").path("RestartPolicy").path("Name").asText());
        assertEquals("none", web.path("HostConfig").path("NetworkMode").asText());
        JsonNode kept = inspect("web" + DockerTarget.PREVIOUS_SUFFIX);
        assertEquals(oldId, kept.path("Id").asText(), "the old container is kept until the new one is verified");
        assertFalse(kept.path("State").path("Running").asBoolean(), "and it is stopped");

        Verification verification = target.verify(settings, order, Duration.ofSeconds(30)).await().indefinitely();
        assertTrue(verification.succeeded(), verification.reason());
        assertEquals(v2, verification.runningImage());
        assertEquals("v2", host.docker("exec", "web", "/bin/busybox", "cat", "/www/index.html"), "the container serves v2's files");
        assertEquals(v2, target.current(settings).await().indefinitely());
        assertNull(inspectOrNull("web" + DockerTarget.PREVIOUS_SUFFIX), "the old container is removed once the new one runs");
        assertTrue(host.docker("image", "inspect", "--format", "{{json .RepoDigests}}", v2).contains(v2Digest), "pulled by digest");
    }

    @Test
    void failsAnUnhealthyContainerAndRollsBackToTheKeptOne() throws Exception {
        host.docker("run", "-d", "--name", "guarded", "--network", "none",
                "--health-cmd", "/bin/busybox grep -q v1 /www/index.html", "--health-interval", "300ms", "--health-retries", "1", v1);
        String oldId = inspect("guarded").path("Id").asText();
        DockerSettings settings = settings("guarded");
        String before = target.current(settings).await().indefinitely();
        assertEquals(v1Pinned, before);

        DeployOrder order = order(v2, before);
        target.apply(settings, order).await().indefinitely();
        Verification verification = target.verify(settings, order, Duration.ofSeconds(30)).await().indefinitely();
        assertFalse(verification.succeeded());
        assertTrue(verification.reason().startsWith("container guarded is unhealthy: exit code 1"), verification.reason());

        DeployOrder rollback = order(before, v2);   // what the engine asks after a failure: the "from" image
        target.apply(settings, rollback).await().indefinitely();
        JsonNode restored = inspect("guarded");
        assertEquals(oldId, restored.path("Id").asText(), "the kept container is back, not a new one");
        assertEquals(v1, restored.path("Config").path("Image").asText());
        Verification back = target.verify(settings, rollback, Duration.ofSeconds(30)).await().indefinitely();
        assertTrue(back.succeeded(), back.reason());
        assertTrue(back.reason().contains("healthy"), back.reason());
        assertEquals("guarded", host.docker("ps", "-a", "--filter", "name=guarded", "--format", "{{.Names}}").strip(),
                "the failed container is gone, only the restored one is left");
    }

    @Test
    void failsAContainerThatExitsRightAfterItsStart() throws Exception {
        host.docker("run", "-d", "--name", "crashy", "--network", "none", v1, "/bin/busybox", "sh", "-c",
                "/bin/busybox grep -q v1 /www/index.html || exit 3; exec /bin/busybox httpd -f -p 8080 -h /www");
        DockerSettings settings = settings("crashy");
        DeployOrder order = order(v2, v1);
        target.apply(settings, order).await().indefinitely();

        Verification verification = target.verify(settings, order, Duration.ofSeconds(30)).await().indefinitely();
        assertFalse(verification.succeeded());
        assertEquals("container crashy exited with code 3", verification.reason());
    }

    @Test
    void aPullThatFailsLeavesTheContainerAlone() throws Exception {
        host.docker("run", "-d", "--name", "steady", "--network", "none", v1);
        String oldId = inspect("steady").path("Id").asText();
        String unknown = host.registry + "/" + REPOSITORY + ":v3@sha256:" + "0".repeat(64);

        TargetException e = assertThrows(TargetException.class,
                () -> target.apply(settings("steady"), order(unknown, v1)).await().indefinitely());
        assertTrue(e.getMessage().startsWith("pulling " + unknown + ": "), e.getMessage());
        JsonNode steady = inspect("steady");
        assertEquals(oldId, steady.path("Id").asText());
        assertTrue(steady.path("State").path("Running").asBoolean());
        assertEquals(v1, steady.path("Config").path("Image").asText());
    }

    @Test
    void aMissingContainerIsReportedClearly() {
        DockerSettings ghost = settings("ghost");
        assertNull(target.current(ghost).await().indefinitely());
        TargetException e = assertThrows(TargetException.class, () -> target.apply(ghost, order(v2, null)).await().indefinitely());
        assertEquals("no container named 'ghost' on unix://" + host.socket, e.getMessage());
    }

    @Test
    void validatesSettingsAndRedactsTheRegistrySecret() throws Exception {
        DockerSettings withAuth = new DockerSettings(null, "web", new DockerSettings.RegistryAuth("robot$shop+deployer", "s3cret"));
        target.validate(withAuth);
        assertEquals(DockerSettings.DEFAULT_HOST, withAuth.host());
        assertEquals("********", withAuth.redacted().registryAuth().password());
        assertFalse(JSON.valueToTree(withAuth.redacted()).toString().contains("s3cret"));
        DockerSettings read = JSON.readValue("{\"container\":\"web\",\"registryAuth\":{\"username\":\"robot\",\"password\":\"pw\"}}",
                DockerSettings.class);
        assertEquals(new DockerSettings(DockerSettings.DEFAULT_HOST, "web", new DockerSettings.RegistryAuth("robot", "pw")), read);
        assertEquals("container web on unix:///var/run/docker.sock", read.displayName());
        assertEquals("container is required",
                assertThrows(IllegalArgumentException.class, () -> target.validate(new DockerSettings(null, " ", null))).getMessage());
        assertEquals("host 'http://docker:2375' must be unix:///path/to/docker.sock or tcp://host:port", assertThrows(
                IllegalArgumentException.class, () -> target.validate(new DockerSettings("http://docker:2375", "web", null))).getMessage());
        assertEquals("registryAuth needs both username and password", assertThrows(IllegalArgumentException.class,
                () -> target.validate(new DockerSettings(null, "web", new DockerSettings.RegistryAuth("robot", "")))).getMessage());
    }

    private static DockerSettings settings(String container) {
        return new DockerSettings("unix://" + host.socket, container, null);
    }

    private static DeployOrder order(String image, String previous) {
        String digest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : v2Digest;
        return new DeployOrder(UUID.randomUUID().toString(), "rule-1", "event-1", REPOSITORY, "v2", digest, image, previous);
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(host.docker("inspect", "--type", "container", name)).get(0);
    }

    private static JsonNode inspectOrNull(String name) {
        try {
            return inspect(name);
        } catch (Exception e) {
            return null;
        }
    }
}
