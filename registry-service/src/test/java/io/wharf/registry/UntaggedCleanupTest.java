package io.wharf.registry;

import static io.wharf.registry.RetentionFixtures.actions;
import static io.wharf.registry.RetentionFixtures.deployment;
import static io.wharf.registry.RetentionFixtures.reasons;
import static io.wharf.registry.RetentionFixtures.run;
import static io.wharf.registry.RetentionFixtures.untaggedPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.registry.RetentionFixtures.Repo;
import io.wharf.registry.retention.UntaggedCleanup;

/** Untagged-manifest cleanup: off by default, after a grace period, never what something kept needs or what is deployed. */
@QuarkusTest
class UntaggedCleanupTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    UntaggedCleanup cleanup;

    @Test
    void deletesOnlyLooseUntaggedManifestsAndKeepsChildrenReferrersAndDeployedDigests() throws Exception {
        String project = Accounts.project("untagged", false);
        Repo repo = Repo.create(project + "/app");
        var loose = repo.push("loose", null);
        var image = repo.push("image", "v1");
        var signature = repo.referrer("sig", image);
        var amd = repo.push("amd64", null);
        var arm = repo.push("arm64", null);
        var index = repo.index("multi", amd, arm);
        var deployed = repo.push("deployed", null);
        var moved = repo.push("moved-away", "latest");
        repo.push("newer", "latest");
        RetentionFixtures.deployed(bootstrapServers, List.of(
                deployment(EventType.DEPLOYMENT_SUCCEEDED, repo.name(), "prod", deployed.digest(), null)));

        assertEquals(Map.of(), actions(run(project, "untagged", false)), "off by default: nothing is even looked at");
        untaggedPolicy(project, 0);
        JsonPath real = run(project, "untagged", false);
        assertEquals("DELETE", actions(real).get(loose.digest()));
        assertEquals("DELETE", actions(real).get(moved.digest()), "untagged since latest moved, grace 0");
        assertEquals(2, real.getInt("deleted"));
        assertEquals("referrer of kept " + image.digest(), reasons(real).get(signature.digest()));
        assertEquals("child of kept index " + index.digest(), reasons(real).get(arm.digest()));
        assertEquals("deployed: a deployment runs it or may roll back to it", reasons(real).get(deployed.digest()));
        assertFalse(repo.has(loose.digest()));
        assertFalse(repo.has(moved.digest()));
        assertTrue(repo.has(signature.digest()) && repo.has(amd.digest()) && repo.has(arm.digest()) && repo.has(deployed.digest())
                && repo.has("v1") && repo.has("multi") && repo.has("latest"));

        var events = TestKafka.read(bootstrapServers, Topics.REGISTRY_EVENTS, r -> repo.name().equals(r.key()),
                        found -> found.stream().filter(r -> EventCodec.fromKafka(r).type() == EventType.ARTIFACT_DELETED).count() == 2,
                        Duration.ofSeconds(60), Duration.ofMillis(500))
                .stream().map(EventCodec::fromKafka).filter(e -> e.type() == EventType.ARTIFACT_DELETED).toList();
        for (var e : events) {
            assertEquals(RegistryEventData.REASON_UNTAGGED, e.registryData().reason());
        }
    }

    @Test
    void keepsUntaggedManifestsWithinTheGracePeriodAndSkipsProjectsThatDidNotTurnItOn() throws Throwable {
        String on = Accounts.project("untagged-on", false);
        String off = Accounts.project("untagged-off", false);
        Repo fresh = Repo.create(on + "/app");
        var young = fresh.push("young", null);
        var old = fresh.push("old", null);
        TestDatabase.execute("UPDATE registry.manifest SET created_at = now() - interval '3 hours' WHERE digest = '" + old.digest() + "'");
        Repo untouched = Repo.create(off + "/app");
        var kept = untouched.push("kept", null);
        untaggedPolicy(on, 2);

        JsonPath dry = run(on, "untagged", true);
        assertEquals(Map.of(young.digest(), "KEEP", old.digest(), "DELETE"), actions(dry));
        assertEquals("untagged within the grace period", reasons(dry).get(young.digest()));
        assertTrue(fresh.has(old.digest()), "a dry run deletes nothing");

        // What garbage collection calls first: every project that turned cleanup on, and only those.
        UntaggedCleanup.Summary summary = VertxContextSupport.subscribeAndAwait(() -> cleanup.cleanAll(false));
        assertTrue(summary.deleted() >= 1);
        assertFalse(fresh.has(old.digest()));
        assertTrue(fresh.has(young.digest()));
        assertTrue(untouched.has(kept.digest()));
        Admin.given().get("/api/v1/projects/" + on + "/retention/runs").then().statusCode(200)
                .body("find { it.trigger == 'gc' }.kind", org.hamcrest.Matchers.equalTo("untagged"));
    }
}
