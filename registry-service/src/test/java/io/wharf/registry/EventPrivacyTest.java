package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.EventType;
import io.wharf.events.NotificationEventData;
import io.wharf.events.WharfEvent;

/**
 * Who pushed from where, and where the pipeline delivered and deployed, is for the project's
 * members (and system admins): anonymous callers and accounts reading a public project see its
 * events in the list, one by one, in traces and on the stream without the pusher's address and
 * User-Agent, without webhook hosts and without deploy targets.
 */
@QuarkusTest
class EventPrivacyTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @TestHTTPResource("/api/v1/events/stream")
    URI stream;

    @Test
    void strangersSeeNoAddressUserAgentWebhookHostOrDeployTarget() throws Exception {
        Cast cast = Cast.of("privacy", "guest");
        Oci.Image image = Oci.pushImage(cast.repo(), "v1");
        String pushId = Admin.given().queryParam("repository", cast.repo()).queryParam("type", "artifact.pushed")
                .get("/api/v1/events").then().statusCode(200).extract().path("events[0].id");
        WharfEvent<NotificationEventData> delivered = WharfEvent.create(EventType.NOTIFICATION_FAILED, URI.create("/wharf/notifier"),
                NotificationEventData.builder().eventId(pushId).eventType(EventType.ARTIFACT_PUSHED).repository(cast.repo()).tag("v1")
                        .digest(image.digest()).subscriptionId("sub-1").deliveryId("del-1")
                        .channel(NotificationEventData.Channel.WEBHOOK).target("hooks.internal.example.com").attempt(1).statusCode(502)
                        .error("hooks.internal.example.com answered 502").build());
        WharfEvent<DeploymentEventData> deployed = WharfEvent.create(EventType.DEPLOYMENT_SUCCEEDED, URI.create("/wharf/deployer"),
                DeploymentEventData.builder().eventId(pushId).repository(cast.repo()).tag("v1").digest(image.digest()).ruleId("rule-1")
                        .deploymentId("dep-1").target(DeploymentEventData.DeployTarget.kubernetes("payments", "prod-eu", "api"))
                        .image("localhost/" + cast.repo() + ":v1@" + image.digest()).message("rolled out payments in prod-eu").build());
        TestKafka.publish(bootstrapServers, delivered, deployed);
        await("the trace holds both outcomes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Admin.given().get("/api/v1/events/" + pushId + "/trace").then().extract().jsonPath().getList("pipeline").size() == 2);

        for (RequestSpecification outsider : List.of(Oci.anonymous(), Accounts.as(cast.stranger()))) {
            JsonPath list = outsider.queryParam("repository", cast.repo()).get("/api/v1/events").then().statusCode(200).extract().jsonPath();
            assertEquals(3, list.getList("events").size());
            assertTrue(list.getList("events.data.request.remoteAddr").stream().allMatch(a -> a == null), list.prettify());
            assertTrue(list.getList("events.data.request.userAgent").stream().allMatch(a -> a == null), list.prettify());
            assertEquals(image.digest(), list.get("events[1].data.digest"), "the rest of the event is shown");

            JsonPath one = outsider.get("/api/v1/events/" + pushId).then().statusCode(200).extract().jsonPath();
            assertNull(one.get("data.request.remoteAddr"));
            assertNull(one.get("data.request.userAgent"));

            JsonPath trace = outsider.get("/api/v1/events/" + pushId + "/trace").then().statusCode(200).extract().jsonPath();
            assertNull(trace.get("event.data.request.remoteAddr"));
            assertEquals(502, (Integer) trace.get("pipeline[0].data.statusCode"), "the outcome is shown");
            assertNull(trace.get("pipeline[0].data.target"));
            assertNull(trace.get("pipeline[0].data.error"));
            assertEquals("io.wharf.deployment.succeeded", trace.get("pipeline[1].type"));
            assertNull(trace.get("pipeline[1].data.target"));
            assertNull(trace.get("pipeline[1].data.message"));
            assertFalse(trace.prettify().contains("hooks.internal.example.com") || trace.prettify().contains("prod-eu"), trace.prettify());
        }

        for (RequestSpecification insider : List.of(Accounts.as(cast.member()), Admin.given())) {
            JsonPath list = insider.queryParam("repository", cast.repo()).get("/api/v1/events").then().statusCode(200).extract().jsonPath();
            assertEquals("127.0.0.1", list.get("events[0].data.request.remoteAddr"));
            assertNotNull(list.get("events[0].data.request.userAgent"));
            JsonPath trace = insider.get("/api/v1/events/" + pushId + "/trace").then().statusCode(200).extract().jsonPath();
            assertEquals("127.0.0.1", trace.get("event.data.request.remoteAddr"));
            assertEquals("hooks.internal.example.com", trace.get("pipeline[0].data.target"));
            assertEquals("hooks.internal.example.com answered 502", trace.get("pipeline[0].data.error"));
            assertEquals(Map.of("kind", "kubernetes", "name", "payments", "namespace", "prod-eu", "container", "api"),
                    trace.getMap("pipeline[1].data.target"));
        }
    }

    @Test
    void strangersFollowingTheStreamSeeNoAddressOrUserAgent() throws Exception {
        Cast cast = Cast.of("privacy-live", "developer");
        URI filtered = URI.create(stream + "?repository=" + URLEncoder.encode(cast.repo(), StandardCharsets.UTF_8));
        try (Sse anonymous = Sse.open(filtered);
             Sse outsider = Sse.open(filtered, "Authorization", Sse.basic(cast.stranger()));
             Sse insider = Sse.open(filtered, "Authorization", Sse.basic(cast.member()))) {
            assertEquals(200, anonymous.status());
            assertEquals(200, outsider.status());
            assertEquals(200, insider.status());
            Oci.Image image = Oci.pushImage(cast.repo(), "v1");
            for (Sse s : List.of(anonymous, outsider)) {
                List<JsonObject> seen = s.awaitEvents(3);
                assertEquals(image.digest(), seen.get(1).getJsonObject("data").getString("digest"));
                for (JsonObject e : seen) {
                    JsonObject request = e.getJsonObject("data").getJsonObject("request", new JsonObject());
                    assertNull(request.getString("remoteAddr"), e.encode());
                    assertNull(request.getString("userAgent"), e.encode());
                }
            }
            List<JsonObject> seen = insider.awaitEvents(3);
            assertEquals("127.0.0.1", seen.get(1).getJsonObject("data").getJsonObject("request").getString("remoteAddr"));
            assertNotNull(seen.get(1).getJsonObject("data").getJsonObject("request").getString("userAgent"));
        }
    }

    /** A public project's repository, a member of the project in the role given, and an account that is none. */
    private record Cast(String repo, String member, String stranger) {
        static Cast of(String purpose, String role) {
            String project = Accounts.project(purpose, true);
            String member = Accounts.user("insider");
            Accounts.member(project, member, role);
            return new Cast(project + "/app", member, Accounts.user("outsider"));
        }
    }
}
