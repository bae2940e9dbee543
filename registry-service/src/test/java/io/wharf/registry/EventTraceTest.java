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
        String pushId = given().queryParam("repository", repo).queryParam("type", "artifact.pushed")
                .get("/api/v1/events").then().statusCode(200).extract().path("events[0].id");

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

    /** Polls the trace until it holds {@code size} pipeline events (60 s at most). */
    private static JsonPath awaitTrace(String id, int size) {
        return await("trace of " + id + " with " + size + " pipeline events").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/api/v1/events/" + id + "/trace").then().statusCode(200).extract().jsonPath(),
                        trace -> trace.getList("pipeline").size() >= size);
    }
}
