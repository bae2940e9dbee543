package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.EventType;
import io.wharf.events.GoldenSamples;
import io.wharf.events.NotificationEventData;
import io.wharf.events.WharfEvent;

/** A push's trace shows the notifications and deployments the pipeline published about it, each once. */
@QuarkusTest
class EventTraceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void traceShowsEveryNotificationAndDeploymentThatFollowedAPush() throws Exception {
        String repo = Oci.repo("trace");
        Oci.Image image = Oci.pushImage(repo, "v1");
        String pushId = pushedEventId(repo);

        WharfEvent<NotificationEventData> delivered = WharfEvent.create(EventType.NOTIFICATION_DELIVERED, URI.create("/wharf/notifier"),
                NotificationEventData.builder().eventId(pushId).eventType(EventType.ARTIFACT_PUSHED).repository(repo).tag("v1")
                        .digest(image.digest()).subscriptionId("sub-1").deliveryId("del-1")
                        .channel(NotificationEventData.Channel.WEBHOOK).target("hooks.example.com").attempt(1).statusCode(204).build());
        DeploymentEventData.Builder deployment = DeploymentEventData.builder().eventId(pushId).repository(repo).tag("v1")
                .digest(image.digest()).ruleId("rule-1").deploymentId("dep-1")
                .target(DeploymentEventData.DeployTarget.kubernetes("api", "prod", "app"))
                .image("localhost/" + repo + ":v1@" + image.digest());
        WharfEvent<DeploymentEventData> started = WharfEvent.create(EventType.DEPLOYMENT_STARTED, URI.create("/wharf/deployer"), deployment.build());
        WharfEvent<DeploymentEventData> succeeded = WharfEvent.create(EventType.DEPLOYMENT_SUCCEEDED, URI.create("/wharf/deployer"),
                deployment.message("rolled out").build());
        // The notification arrives twice (a redelivery); the trace keeps it once.
        TestKafka.publish(bootstrapServers, delivered, delivered, started, succeeded);

        JsonPath trace = awaitTrace(pushId, 3);
        assertEquals(pushId, trace.get("event.id"));
        assertEquals("io.wharf.artifact.pushed", trace.get("event.type"));
        assertEquals(List.of(delivered.id(), started.id(), succeeded.id()), trace.getList("pipeline.id"));
        assertEquals(List.of("io.wharf.notification.delivered", "io.wharf.deployment.started", "io.wharf.deployment.succeeded"),
                trace.getList("pipeline.type"));
        assertEquals(List.of("/wharf/notifier", "/wharf/deployer", "/wharf/deployer"), trace.getList("pipeline.source"));
        assertEquals(pushId, trace.get("pipeline[0].data.eventId"));
        assertEquals(204, (Integer) trace.get("pipeline[0].data.statusCode"));
        assertEquals("kubernetes", trace.get("pipeline[2].data.target.kind"));
        assertEquals("rolled out", trace.get("pipeline[2].data.message"));

        // Other events of the same push have no pipeline outcomes of their own.
        String tagCreatedId = given().queryParam("repository", repo).queryParam("type", "tag.created")
                .get("/api/v1/events").then().statusCode(200).extract().path("events[0].id");
        given().get("/api/v1/events/" + tagCreatedId + "/trace").then().statusCode(200)
                .body("event.id", org.hamcrest.Matchers.equalTo(tagCreatedId))
                .body("pipeline", org.hamcrest.Matchers.empty());
    }

    /**
     * What a deployer decided not to apply shows in the trace of the push too (skipped, superseded, planned by a
     * dry run, rejected), and protects no digest from retention: no target ever ran it.
     */
    @Test
    void traceShowsDeploymentsThatWereNotAppliedAndTheyProtectNothing() throws Exception {
        String repo = Oci.repo("trace-outcomes");
        Oci.Image image = Oci.pushImage(repo, "0.9.0");
        String pushId = pushedEventId(repo);
        String running = "sha256:" + "1".repeat(64);
        List<WharfEvent<DeploymentEventData>> outcomes = new java.util.ArrayList<>();
        for (EventType type : List.of(EventType.DEPLOYMENT_SKIPPED, EventType.DEPLOYMENT_SUPERSEDED,
                EventType.DEPLOYMENT_PLANNED, EventType.DEPLOYMENT_REJECTED)) {
            outcomes.add(WharfEvent.create(type, URI.create("/wharf/deployer"), DeploymentEventData.builder().eventId(pushId)
                    .repository(repo).tag("0.9.0").digest(image.digest()).previousDigest(running)
                    .ruleId("rule-" + type.suffix()).deploymentId("dep-" + type.suffix())
                    .target(DeploymentEventData.DeployTarget.http("deploy.example.com"))
                    .image("localhost/" + repo + ":0.9.0@" + image.digest())
                    .message(GoldenSamples.event(type).deploymentData().message()).build()));
        }
        TestKafka.publish(bootstrapServers, outcomes.toArray(WharfEvent[]::new));

        JsonPath trace = awaitTrace(pushId, 4);
        assertEquals(outcomes.stream().map(WharfEvent::id).toList(), trace.getList("pipeline.id"));
        assertEquals(List.of("io.wharf.deployment.skipped", "io.wharf.deployment.superseded", "io.wharf.deployment.planned",
                "io.wharf.deployment.rejected"), trace.getList("pipeline.type"));
        assertEquals("rule on hold: incident INC-2291, hold all api rollouts", trace.get("pipeline[0].data.message"));
        assertEquals(image.digest(), trace.get("pipeline[2].data.digest"));
        io.vertx.mutiny.sqlclient.Pool pool = io.quarkus.arc.Arc.container().instance(io.vertx.mutiny.sqlclient.Pool.class).get();
        assertEquals(0L, pool.preparedQuery("SELECT count(*) FROM registry.deployed_digest WHERE repository = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(repo)).await().indefinitely().iterator().next().getLong(0),
                "no deployed digest recorded for deployments that never reached a target");
    }

    /** The id of the latest {@code artifact.pushed} of {@code repo}. */
    private static String pushedEventId(String repo) {
        return given().queryParam("repository", repo).queryParam("type", "artifact.pushed")
                .get("/api/v1/events").then().statusCode(200).extract().path("events[0].id");
    }

    /** Polls the trace until it holds {@code size} pipeline events (60 s at most). */
    private static JsonPath awaitTrace(String id, int size) {
        return await("trace of " + id + " with " + size + " pipeline events").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/api/v1/events/" + id + "/trace").then().statusCode(200).extract().jsonPath(),
                        trace -> trace.getList("pipeline").size() >= size);
    }
}
