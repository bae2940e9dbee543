package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;


import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.NotificationEventData;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.InjectKafkaBroker;
import io.wharf.infra.RestartableKafkaBroker;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Database;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Receiver.Answer;
import io.wharf.notifier.support.StandardWebhooks;
import io.wharf.notifier.support.Tokens;
import io.wharf.outbound.SecretBox;

/** Webhooks as a receiver sees them: signed, retried, given up on, and never sent twice. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @InjectKafkaBroker
    RestartableKafkaBroker kafka;

    private static Map<String, Object> webhook(String project, Receiver receiver, String format) {
        return Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                "url", receiver.url("/hook"), "payloadFormat", format, "headers", Map.of("X-Team", "platform"));
    }

    private static List<Receiver.Request> awaitRequests(Receiver receiver, int count) {
        return await(count + " requests").atMost(WAIT).until(receiver::requests, list -> list.size() >= count);
    }

    private static boolean signedWith(String secret, Receiver.Request request) throws Exception {
        return StandardWebhooks.signedWith(secret, request);
    }

    @Test
    void deliversASignedCloudEventAndLogsTheAttempt() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(new Answer(200, Map.of(), "thanks"))) {
            String project = Api.project("signed");
            JsonPath sub = Api.create(webhook(project, receiver, "CLOUDEVENTS_STRUCTURED"));
            String secret = sub.getString("secret");
            WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "1.4.2");
            Kafka.publish(bootstrapServers, event);

            Receiver.Request request = awaitRequests(receiver, 1).get(0);
            assertEquals("application/cloudevents+json", request.header("Content-Type"));
            assertEquals("platform", request.header("X-Team"));
            WharfEvent<?> received = EventCodec.fromStructuredJson(request.body());
            assertEquals(event.id(), received.id());
            assertEquals(project + "/api", received.registryData().repository());
            assertTrue(signedWith(secret, request), "signature verifies with the subscription's secret");
            assertFalse(signedWith(io.wharf.outbound.WebhookSignature.newSecret(), request));
            assertTrue(Math.abs(Long.parseLong(request.header("webhook-timestamp")) - System.currentTimeMillis() / 1000) < 60);

            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED").get(0);
            assertEquals(delivery.get("id"), request.header("webhook-id"));
            JsonPath log = Api.delivery((String) delivery.get("id"));
            assertEquals(200, log.getInt("attemptLog[0].statusCode"));
            assertEquals("thanks", log.getString("attemptLog[0].responseExcerpt"));
            assertNotNull(log.get("attemptLog[0].latencyMs"));

            ConsumerRecord<String, byte[]> outcome = Kafka.awaitRecord(bootstrapServers, Topics.PIPELINE_EVENTS,
                    r -> event.id().equals(r.key()));
            WharfEvent<?> pipeline = EventCodec.fromKafka(outcome);
            assertEquals(EventType.NOTIFICATION_DELIVERED, pipeline.type());
            NotificationEventData data = pipeline.notificationData();
            assertEquals(sub.getString("id"), data.subscriptionId());
            assertEquals(NotificationEventData.Channel.WEBHOOK, data.channel());
            assertEquals("127.0.0.1", data.target());
            assertEquals(200, data.statusCode());
        }
    }

    @Test
    void sendsBinaryModeAndCompactPayloads() {
        try (Receiver binary = Receiver.start(); Receiver compact = Receiver.start()) {
            String project = Api.project("formats");
            Api.create(webhook(project, binary, "CLOUDEVENTS_BINARY"));
            Api.create(webhook(project, compact, "COMPACT"));
            WharfEvent<RegistryEventData> event = Api.event(EventType.TAG_CREATED, project + "/web", "2.0");
            Kafka.publish(bootstrapServers, event);

            Receiver.Request b = awaitRequests(binary, 1).get(0);
            assertEquals("io.wharf.tag.created", b.header("ce-type"));
            assertEquals(event.id(), b.header("ce-id"));
            assertEquals("1.0", b.header("ce-specversion"));
            assertEquals("application/json", b.header("Content-Type"));
            assertEquals(project + "/web", new JsonPath(b.body()).getString("repository"));

            JsonPath c = new JsonPath(awaitRequests(compact, 1).get(0).body());
            assertEquals("io.wharf.tag.created", c.getString("type"));
            assertEquals("2.0", c.getString("tag"));
            assertEquals("alice", c.getString("actor"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void retriesServerErrorsWithTheSameMessageIdUntilAccepted() throws Exception {
        try (Receiver receiver = Receiver.start().answer(Answer.of(500), Answer.of(503))) {
            String project = Api.project("retry");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED").get(0);
            List<Receiver.Request> requests = receiver.requests();
            assertEquals(3, requests.size());
            assertEquals(1, requests.stream().map(r -> r.header("webhook-id")).distinct().count());
            JsonPath log = Api.delivery((String) delivery.get("id"));
            assertEquals(List.of(500, 503, 200), log.getList("attemptLog.statusCode", Integer.class));
            assertEquals(List.of(1, 2, 3), log.getList("attemptLog.attempt", Integer.class));
        }
    }

    @Test
    void clientErrorsAreFinalAndDeadLettered() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(new Answer(400, Map.of(), "bad payload"))) {
            String project = Api.project("final");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "1");
            Kafka.publish(bootstrapServers, event);

            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DEAD").get(0);
            assertEquals(400, delivery.get("lastStatusCode"));
            assertEquals(1, receiver.requests().size(), "a 4xx is not retried");

            ConsumerRecord<String, byte[]> dead = Kafka.awaitRecord(bootstrapServers, Topics.NOTIFICATIONS_DLQ,
                    r -> event.id().equals(Kafka.header(r, "ce_id")));
            assertEquals(project + "/api", dead.key(), "the original key");
            assertEquals(delivery.get("id"), Kafka.header(dead, "wharf-delivery-id"));
            assertEquals(event, EventCodec.fromKafka(dead), "the original event");

            ConsumerRecord<String, byte[]> failed = Kafka.awaitRecord(bootstrapServers, Topics.PIPELINE_EVENTS,
                    r -> event.id().equals(r.key()));
            assertEquals(EventType.NOTIFICATION_FAILED, EventCodec.fromKafka(failed).type());
            assertEquals("HTTP 400", EventCodec.fromKafka(failed).notificationData().error());
        }
    }

    @Test
    void outcomesReachKafkaAfterAnOutage() throws Exception {
        try (Receiver receiver = Receiver.start().answer(Answer.hang())) {
            String project = Api.project("outage");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "1");
            Kafka.publish(bootstrapServers, event);
            awaitRequests(receiver, 1);
            kafka.stop();
            try {
                // The retry after the timed-out first attempt succeeds while Kafka is away.
                Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
            } finally {
                kafka.start();
            }
            ConsumerRecord<String, byte[]> outcome = Kafka.awaitRecord(bootstrapServers, Topics.PIPELINE_EVENTS,
                    r -> event.id().equals(r.key()));
            assertEquals(EventType.NOTIFICATION_DELIVERED, EventCodec.fromKafka(outcome).type());
            assertEquals(2, EventCodec.fromKafka(outcome).notificationData().attempt());
        }
    }

    @Test
    void retriesATargetThatDoesNotAnswerInTime() throws Exception {
        try (Receiver receiver = Receiver.start().answer(Answer.hang())) {
            String project = Api.project("timeout");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED").get(0);
            JsonPath log = Api.delivery((String) delivery.get("id"));
            assertEquals(2, log.getList("attemptLog").size());
            assertNull(log.get("attemptLog[0].statusCode"));
            assertTrue(log.getString("attemptLog[0].error").toLowerCase().contains("timeout"), log.getString("attemptLog[0].error"));
            assertEquals(200, log.getInt("attemptLog[1].statusCode"));
        }
    }

    @Test
    void checksTheTargetAddressAgainAtSendTime() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("rebind");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            // As if the target's name now resolved to another loopback address, outside the allow-list.
            assertEquals(1, Database.update("UPDATE notifier.subscription SET url = ? WHERE id = ?::uuid",
                    receiver.url("/hook").replace("127.0.0.1", "127.0.0.2"), sub.getString("id")));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DEAD").get(0);
            assertTrue(((String) delivery.get("lastError")).contains("private or reserved"), (String) delivery.get("lastError"));
            assertEquals(1, Api.delivery((String) delivery.get("id")).getList("attemptLog").size(), "refused for good");
            assertEquals(0, receiver.requests().size());
        }
    }

    @Test
    void redirectsAreNotFollowedAndLongAnswersAreCut() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            receiver.otherwise(new Answer(302, Map.of("Location", receiver.url("/elsewhere")), "x".repeat(200_000)));
            String project = Api.project("redirect");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DEAD").get(0);
            assertEquals(List.of("/hook"), receiver.requests().stream().map(Receiver.Request::path).toList());
            JsonPath log = Api.delivery((String) delivery.get("id"));
            assertEquals(302, log.getInt("attemptLog[0].statusCode"));
            assertTrue(log.getString("attemptLog[0].error").contains("redirects are not followed"));
            assertEquals(2048, log.getString("attemptLog[0].responseExcerpt").length(), "the excerpt is capped");
        }
    }

    @Test
    void exhaustedRetriesAreDeadLetteredAndCanBeRedelivered() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(Answer.of(503))) {
            String project = Api.project("exhaust");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "1");
            Kafka.publish(bootstrapServers, event);

            Api.awaitDeliveries(sub.getString("id"), 1, "DEAD");
            assertEquals(3, receiver.requests().size(), "max-attempts in %test");
            Kafka.awaitRecord(bootstrapServers, Topics.NOTIFICATIONS_DLQ, r -> event.id().equals(Kafka.header(r, "ce_id")));

            receiver.otherwise(Answer.of(204));
            given().auth().oauth2(Tokens.admin()).post("/api/v1/subscriptions/" + sub.getString("id") + "/deliveries/redeliver")
                    .then().statusCode(202).body("redelivered", org.hamcrest.Matchers.equalTo(1));
            Map<String, Object> delivery = Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED").get(0);
            assertEquals(4, receiver.requests().size());
            assertEquals(4, Api.delivery((String) delivery.get("id")).getList("attemptLog").size());
        }
    }

    @Test
    void goneDisablesTheSubscription() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(Answer.of(410))) {
            String project = Api.project("gone");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            JsonPath disabled = await("the subscription disabled").atMost(WAIT).until(() -> Api.subscription(sub.getString("id")),
                    s -> !s.getBoolean("enabled"));
            assertTrue(disabled.getString("disabledReason").contains("410"));
            Api.awaitDeliveries(sub.getString("id"), 1, "DEAD");

            // The owner fixes the target, enables the subscription again and redelivers.
            receiver.otherwise(Answer.of(200));
            Map<String, Object> enable = new java.util.HashMap<>(webhook(project, receiver, "COMPACT"));
            enable.put("enabled", true);
            given().auth().oauth2(Tokens.admin()).contentType("application/json").body(enable)
                    .put("/api/v1/subscriptions/" + sub.getString("id"))
                    .then().statusCode(200).body("enabled", org.hamcrest.Matchers.equalTo(true))
                    .body("disabledReason", org.hamcrest.Matchers.nullValue());
            given().auth().oauth2(Tokens.admin()).post("/api/v1/subscriptions/" + sub.getString("id") + "/deliveries/redeliver")
                    .then().statusCode(202);
            Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
        }
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        try (Receiver receiver = Receiver.start().answer(new Answer(429, Map.of("Retry-After", "2"), ""))) {
            String project = Api.project("slowdown");
            JsonPath sub = Api.create(webhook(project, receiver, "COMPACT"));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
            List<Receiver.Request> requests = receiver.requests();
            assertEquals(2, requests.size());
            Duration waited = Duration.between(requests.get(0).at(), requests.get(1).at());
            assertTrue(waited.toMillis() >= 1900, "waited " + waited + " although Retry-After said 2 s");
        }
    }

    @Test
    void aRedeliveredKafkaRecordIsNeverSentTwice() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("once");
            Map<String, Object> filtered = new java.util.HashMap<>(webhook(project, receiver, "COMPACT"));
            filtered.put("eventTypes", List.of("artifact.pushed"));
            filtered.put("tagPattern", "v*");
            Api.create(filtered);
            WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "v1");
            Kafka.publish(bootstrapServers, event, event);
            awaitRequests(receiver, 1);
            Kafka.publish(bootstrapServers, event);
            // Not matching: a tag outside the pattern, and another event type.
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "latest"),
                    Api.event(EventType.TAG_DELETED, project + "/api", "v1"));
            WharfEvent<RegistryEventData> marker = Api.pushed(project + "/api", "v2");
            Kafka.publish(bootstrapServers, marker);

            List<Receiver.Request> requests = await("the marker").atMost(WAIT).until(receiver::requests,
                    list -> list.stream().anyMatch(r -> r.body().contains(marker.id())));
            assertEquals(2, requests.size(), "the event once, then the marker: " + requests);
            assertTrue(requests.get(0).body().contains(event.id()));
        }
    }

    @Test
    void secretsAreStoredSealedAndTestEventsAreSignedWithBothDuringRotation() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("rotate");
            JsonPath sub = Api.create(webhook(project, receiver, "CLOUDEVENTS_STRUCTURED"));
            String id = sub.getString("id");
            String rotated = given().auth().oauth2(Tokens.admin()).post("/api/v1/subscriptions/" + id + "/secret")
                    .then().statusCode(200).extract().path("secret");

            // The database holds both secrets sealed under the notifier's key, neither of them clear.
            List<String> stored = Database.firstRow(
                    "SELECT secret, previous_secret FROM notifier.subscription WHERE id = CAST(? AS uuid)", id);
            SecretBox box = new SecretBox(ConfigProvider.getConfig().getValue("wharf.notifier.secrets-key", String.class));
            List<String> shown = List.of(rotated, sub.getString("secret"));
            for (int i = 0; i < shown.size(); i++) {
                assertTrue(stored.get(i).startsWith("sealed:v1:"), "stored sealed: " + stored.get(i));
                assertFalse(stored.get(i).contains(shown.get(i).substring("whsec_".length())), "stored without the key");
                assertEquals(shown.get(i), box.open(stored.get(i)), "opens to the secret the API showed once");
            }
            given().auth().oauth2(Tokens.admin()).get("/api/v1/subscriptions/" + id)
                    .then().statusCode(200).body(not(containsString("whsec_"))).body(not(containsString("sealed:")));

            String deliveryId = given().auth().oauth2(Tokens.admin()).post("/api/v1/subscriptions/" + id + "/test")
                    .then().statusCode(202).extract().path("id");

            Receiver.Request request = awaitRequests(receiver, 1).get(0);
            assertEquals(deliveryId, request.header("webhook-id"));
            assertEquals(2, request.header("webhook-signature").split(" ").length);
            assertTrue(signedWith(sub.getString("secret"), request), "the previous secret still verifies");
            assertTrue(signedWith(rotated, request), "the new secret verifies");
            assertEquals("test", EventCodec.fromStructuredJson(request.body()).data().tag());
        }
    }
}
