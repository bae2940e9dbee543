package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Database;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Tokens;

/**
 * A registry event the notifier cannot take in (here PostgreSQL refuses its deliveries, through a trigger
 * on one project's repositories) is parked after the intake's retries, and the next push still reaches
 * another project's webhook within seconds; a system administrator sees the parked event and, the cause
 * gone, replays it, and its webhook goes out.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class ParkedEventTest {

    private static final Duration SOON = Duration.ofSeconds(20);
    private static final String PARKED = "/api/v1/intake/parked";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static Map<String, Object> webhook(String project, Receiver receiver) {
        return Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                "url", receiver.url("/hook"), "payloadFormat", "CLOUDEVENTS_STRUCTURED");
    }

    @Test
    void aPoisonEventIsParkedAndTheNextPushStillReachesAWebhookWithinSeconds() throws Exception {
        String poisoned = Api.project("poisoned");
        String victim = Api.project("victim");
        try (Receiver victimHook = Receiver.start(); Receiver poisonedHook = Receiver.start()) {
            Api.create(webhook(victim, victimHook));
            Api.create(webhook(poisoned, poisonedHook));
            Database.update("CREATE FUNCTION notifier.refuse_poisoned() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.repository LIKE '" + poisoned + "/%' THEN RAISE EXCEPTION 'deliveries of " + poisoned + " refused'; END IF; "
                    + "RETURN NEW; END $$");
            Database.update("CREATE TRIGGER refuse_poisoned BEFORE INSERT ON notifier.delivery FOR EACH ROW EXECUTE FUNCTION notifier.refuse_poisoned()");

            WharfEvent<RegistryEventData> poison = Api.pushed(poisoned + "/app", "1");
            Kafka.publish(bootstrapServers, poison);
            WharfEvent<RegistryEventData> next = Api.pushed(victim + "/api", "2");
            Kafka.publish(bootstrapServers, next);

            Receiver.Request delivered = await("the next push's webhook").atMost(SOON)
                    .until(victimHook::requests, requests -> !requests.isEmpty()).get(0);
            assertEquals(next.id(), EventCodec.fromStructuredJson(delivered.body()).id());
            assertTrue(poisonedHook.requests().isEmpty(), "the poison event's webhook did not go out");

            given().get(PARKED).then().statusCode(401);
            given().auth().oauth2(Tokens.member("eve", victim, "projectAdmin")).get(PARKED).then().statusCode(403);
            List<Map<String, Object>> parked = given().auth().oauth2(Tokens.admin()).queryParam("state", "parked").get(PARKED)
                    .then().statusCode(200).extract().jsonPath().getList("findAll { it.eventId == '" + poison.id() + "' }");
            assertEquals(1, parked.size(), "the poison event is parked");
            assertTrue(String.valueOf(parked.get(0).get("errorMessage")).contains("refused"), "with its error: " + parked.get(0));
            Number id = (Number) parked.get(0).get("id");

            Database.update("DROP TRIGGER refuse_poisoned ON notifier.delivery");
            given().auth().oauth2(Tokens.admin()).post(PARKED + "/" + id + "/replay").then().statusCode(200)
                    .body("state", equalTo("replayed"));
            Receiver.Request replayed = await("the replayed event's webhook").atMost(SOON)
                    .until(poisonedHook::requests, requests -> !requests.isEmpty()).get(0);
            assertEquals(poison.id(), EventCodec.fromStructuredJson(replayed.body()).id());
        } finally {
            Database.update("DROP TRIGGER IF EXISTS refuse_poisoned ON notifier.delivery");
            Database.update("DROP FUNCTION IF EXISTS notifier.refuse_poisoned()");
        }
    }
}
