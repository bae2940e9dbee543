package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Database;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Tokens;

/**
 * A tag regex is a user's pattern that runs inside the intake transaction: whatever one project's
 * subscription says, the intake keeps taking events in and another project's webhooks keep arriving.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class TagRegexIntakeTest {

    /** Seconds, not the minutes a stalled intake would take: the webhook arrived in about 1 s before. */
    private static final Duration FEW_SECONDS = Duration.ofSeconds(10);
    /** With a backtracking engine, (.*a){12} against this tries about 60^12 ways before it fails. */
    private static final String POISON_TAG = "a".repeat(60) + "-";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static Map<String, Object> webhook(String project, Receiver receiver, String tagRegex) {
        return tagRegex == null
                ? Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK", "url", receiver.url("/hook"))
                : Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK", "url", receiver.url("/hook"),
                        "tagPattern", tagRegex, "tagPatternSyntax", "REGEX");
    }

    private static List<Receiver.Request> awaitRequests(Receiver receiver, int count) {
        return await(count + " webhook request(s)").atMost(FEW_SECONDS).until(receiver::requests, list -> list.size() >= count);
    }

    private static String receivedEventId(Receiver.Request request) {
        return EventCodec.fromStructuredJson(request.body()).id();
    }

    @Test
    void aCatastrophicTagRegexNeitherStallsTheIntakeNorDelaysAnotherProjectsWebhook() throws Exception {
        try (Receiver attackers = Receiver.start(); Receiver others = Receiver.start()) {
            String attacker = Api.project("redos");
            String other = Api.project("bystander");
            Api.create(webhook(attacker, attackers, "(.*a){12}"));
            Api.create(webhook(other, others, null));
            WharfEvent<RegistryEventData> poison = Api.pushed(attacker + "/x", POISON_TAG);
            WharfEvent<RegistryEventData> matching = Api.pushed(attacker + "/x", "a".repeat(60));
            WharfEvent<RegistryEventData> next = Api.pushed(other + "/app", "1.0");

            // One partition: the poison comes first, and the other project's push is only taken in after it.
            Kafka.publish(bootstrapServers, poison, matching, next);

            assertEquals(next.id(), receivedEventId(awaitRequests(others, 1).get(0)));
            KafkaTraffic.awaitCommitted(bootstrapServers, "wharf-notifier", Topics.REGISTRY_EVENTS, FEW_SECONDS);
            for (WharfEvent<?> event : List.of(poison, matching, next)) {
                assertEquals(List.of(event.id()),
                        Database.firstRow("SELECT event_id FROM notifier.received_event WHERE event_id = ?", event.id()),
                        "the intake took the event in");
            }
            // The pattern still means what it says: the 60 a's match, the poison does not.
            assertEquals(matching.id(), receivedEventId(awaitRequests(attackers, 1).get(0)));
            assertEquals(1, attackers.requests().size());
        }
    }

    @Test
    void refusesTagRegexesThatNeedBacktrackingAndStoresNothing() {
        String project = Api.project("refused");
        Map<String, String> refused = Map.of(
                "(a)\\1", "backreference \\1 is not allowed",
                "v(?=1)\\d+", "lookahead (?=...) is not allowed",
                "(?<!x)v1", "lookbehind (?<!...) is not allowed",
                "v1.*+", "possessive quantifier *+ is not allowed",
                "(?>v1)", "atomic group (?>...) is not allowed");
        refused.forEach((pattern, construct) -> given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                        "url", "http://127.0.0.1:9/hook", "tagPattern", pattern, "tagPatternSyntax", "REGEX"))
                .post("/api/v1/subscriptions").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("detail", containsString(construct)));
        given().auth().oauth2(Tokens.admin()).get("/api/v1/subscriptions?project=" + project)
                .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aStoredTagRegexThatIsNoLongerAcceptedMatchesNothingShowsWhyAndBlocksNoOne() throws Exception {
        try (Receiver stale = Receiver.start(); Receiver others = Receiver.start()) {
            String project = Api.project("stale");
            String other = Api.project("bystander");
            String id = Api.create(webhook(project, stale, "v[0-9]+")).getString("id");
            Api.create(webhook(other, others, null));
            assertNull(Api.subscription(id).get("tagPatternProblem"));
            // As an older version, which compiled tag regexes with java.util.regex, may have stored it.
            assertEquals(1, Database.update("UPDATE notifier.subscription SET tag_pattern = ? WHERE id = ?::uuid", "(v)[0-9]+\\1?", id));

            WharfEvent<RegistryEventData> push = Api.pushed(project + "/app", "v1");
            WharfEvent<RegistryEventData> next = Api.pushed(other + "/app", "1.0");
            Kafka.publish(bootstrapServers, push, next);

            assertEquals(next.id(), receivedEventId(awaitRequests(others, 1).get(0)));
            KafkaTraffic.awaitCommitted(bootstrapServers, "wharf-notifier", Topics.REGISTRY_EVENTS, FEW_SECONDS);
            assertEquals(List.of(push.id()), Database.firstRow("SELECT event_id FROM notifier.received_event WHERE event_id = ?", push.id()));
            assertTrue(Api.deliveries(id).isEmpty(), "the subscription with the refused pattern matched nothing");
            assertTrue(stale.requests().isEmpty());

            JsonPath view = Api.subscription(id);
            assertEquals("(v)[0-9]+\\1?", view.getString("tagPattern"));
            assertTrue(view.getString("tagPatternProblem").contains("backreference"), view.getString("tagPatternProblem"));
        }
    }
}
