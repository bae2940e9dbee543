package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.StandardWebhooks;
import io.wharf.notifier.support.Tokens;

/** Events that come while a subscription is disabled are never lost silently: logged as suppressed, redeliverable. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class SuppressedDeliveryTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static Map<String, Object> webhook(String project, Receiver receiver, boolean enabled) {
        Map<String, Object> hook = new HashMap<>(Map.of("name", "hook", "scope", "PROJECT", "project", project,
                "channel", "WEBHOOK", "url", receiver.url("/hook"), "payloadFormat", "COMPACT"));
        hook.put("enabled", enabled);
        return hook;
    }

    private static void put(String id, Map<String, Object> subscription) {
        given().auth().oauth2(Tokens.admin()).contentType("application/json").body(subscription)
                .put("/api/v1/subscriptions/" + id).then().statusCode(200)
                .body("enabled", Matchers.equalTo(subscription.get("enabled")));
    }

    private static String deliveryOf(List<Map<String, Object>> deliveries, WharfEvent<?> event) {
        return deliveries.stream().filter(d -> event.id().equals(d.get("eventId"))).map(d -> (String) d.get("id"))
                .findFirst().orElseThrow();
    }

    @Test
    void eventsWhileDisabledAreLoggedAsSuppressedAndSentWhenRedelivered() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("suppressed");
            JsonPath sub = Api.create(webhook(project, receiver, true));
            String id = sub.getString("id");
            String secret = sub.getString("secret");
            put(id, webhook(project, receiver, false));

            WharfEvent<RegistryEventData> one = Api.pushed(project + "/api", "1");
            WharfEvent<RegistryEventData> two = Api.pushed(project + "/api", "2");
            Kafka.publish(bootstrapServers, one, two);

            List<Map<String, Object>> log = Api.awaitDeliveries(id, 2, "SUPPRESSED");
            assertTrue(String.valueOf(log.get(0).get("lastError")).contains("disabled"), log.toString());
            given().auth().oauth2(Tokens.admin()).queryParam("state", "SUPPRESSED")
                    .get("/api/v1/subscriptions/" + id + "/deliveries").then().statusCode(200).body("size()", Matchers.is(2));

            // Enabled again: what was suppressed is not sent on its own (a new event is, and alone).
            put(id, webhook(project, receiver, true));
            WharfEvent<RegistryEventData> three = Api.pushed(project + "/api", "3");
            Kafka.publish(bootstrapServers, three);
            await("the event after enabling").atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= 1);
            List<Map<String, Object>> after = Api.deliveries(id);
            assertEquals("DELIVERED", after.stream().filter(d -> three.id().equals(d.get("eventId"))).findFirst().orElseThrow().get("state"));
            assertEquals(2, after.stream().filter(d -> "SUPPRESSED".equals(d.get("state"))).count());
            assertEquals(1, receiver.requests().size());

            // Redelivered one by one, and in bulk with the dead ones.
            given().auth().oauth2(Tokens.admin()).post("/api/v1/deliveries/" + deliveryOf(after, one) + "/redeliver")
                    .then().statusCode(202);
            await("the redelivered event").atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= 2);
            given().auth().oauth2(Tokens.admin()).post("/api/v1/subscriptions/" + id + "/deliveries/redeliver")
                    .then().statusCode(202).body("redelivered", Matchers.is(1));
            Api.awaitDeliveries(id, 3, "DELIVERED");

            List<Receiver.Request> requests = receiver.requests();
            assertEquals(3, requests.size());
            assertEquals(List.of("3", "1", "2"), requests.stream().map(r -> new JsonPath(r.body()).getString("tag")).toList());
            for (Receiver.Request request : requests) {
                assertTrue(StandardWebhooks.signedWith(secret, request), "signed with the subscription's secret");
            }
            assertEquals(deliveryOf(after, one), requests.get(1).header("webhook-id"));
        }
    }
}
