package io.wharf.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Database;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Receiver.Answer;

/**
 * Deliveries go out when they are due, not when a poll comes round: with the production backoff and a
 * poll interval of an hour, a webhook still goes out at once (the intake wakes the worker), Slack's
 * {@code Retry-After} is honoured to the second, and a burst to one Slack channel arrives as a handful
 * of messages that a rate-limiting receiver accepts.
 */
@QuarkusTest
@TestProfile(PromptDeliveryTest.NoPolling.class)
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class PromptDeliveryTest {

    /** The defaults' backoff (30 s first retry), and polling that would never come round during a test. */
    public static class NoPolling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.notifier.delivery.poll-interval", "1h",
                    "wharf.notifier.delivery.initial-delay", "30s",
                    "wharf.notifier.delivery.max-delay", "4h",
                    "wharf.notifier.delivery.max-attempts", "12");
        }
    }

    private static final Pattern SUMMED_UP = Pattern.compile("^(\\d+) tags pushed to ");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static JsonPath slack(String project, Receiver receiver) {
        return Api.create(Map.of("name", "team channel", "scope", "PROJECT", "project", project, "channel", "SLACK",
                "url", receiver.url("/services/T000/B000/XXXXSECRET")));
    }

    private static List<Receiver.Request> awaitRequests(Receiver receiver, int count, Duration within) {
        return await(count + " requests").atMost(within).until(receiver::requests, list -> list.size() >= count);
    }

    @Test
    void aWebhookGoesOutAsSoonAsTheEventIsTakenIn() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("prompt");
            Api.create(Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                    "url", receiver.url("/hook"), "payloadFormat", "COMPACT"));
            for (int i = 0; i < 3; i++) {
                Instant published = Instant.now();
                Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1." + i));
                Receiver.Request request = awaitRequests(receiver, i + 1, Duration.ofSeconds(10)).get(i);
                Duration took = Duration.between(published, request.at());
                assertTrue(took.toMillis() < 8000, "took " + took + " with no poll due for an hour");
            }
        }
    }

    /**
     * A delivery handed straight to the worker by the intake is still one attempt at a time: the next event of
     * its subscription, taken in while the first request waits for its answer, goes out only after that answer.
     */
    @Test
    void theNextEventWaitsForTheAnswerToTheDeliveryInFlight() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            receiver.answer(Answer.late(200, Duration.ofSeconds(1))); // within the tests' 3 s request timeout
            String project = Api.project("inflight");
            String id = Api.create(Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                    "url", receiver.url("/hook"), "payloadFormat", "COMPACT")).getString("id");
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));
            Receiver.Request first = awaitRequests(receiver, 1, Duration.ofSeconds(10)).get(0);
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "2"));

            Receiver.Request second = awaitRequests(receiver, 2, Duration.ofSeconds(15)).get(1);
            assertEquals(List.of("1", "2"), receiver.requests().stream().map(r -> new JsonPath(r.body()).getString("tag")).toList());
            Duration gap = Duration.between(first.at(), second.at());
            assertTrue(gap.compareTo(Duration.ofSeconds(1)) >= 0, "the second request came " + gap + " after the first, before its answer");
            Api.awaitDeliveries(id, 2, "DELIVERED");
        }
    }

    /**
     * A new event never overtakes an older delivery of its subscription that is due but not taken yet: here
     * one held by a pause that ended without a wake-up (as another instance would end it), with no poll due.
     */
    @Test
    void aNewEventQueuesBehindAnOlderDueDelivery() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("behind");
            String id = Api.create(Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                    "url", receiver.url("/hook"), "payloadFormat", "COMPACT")).getString("id");
            Database.update("UPDATE notifier.subscription SET paused_until = now() + interval '1 hour' WHERE id = ?::uuid", id);
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));
            Api.awaitDeliveries(id, 1, "PENDING");
            Database.update("UPDATE notifier.subscription SET paused_until = NULL WHERE id = ?::uuid", id);

            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "2"));

            awaitRequests(receiver, 2, Duration.ofSeconds(10));
            assertEquals(List.of("1", "2"), receiver.requests().stream().map(r -> new JsonPath(r.body()).getString("tag")).toList());
            Api.awaitDeliveries(id, 2, "DELIVERED");
        }
    }

    /** Publishes one push to a new Slack subscription of {@code receiver}; the wait between its two requests. */
    static Duration slackRetryGap(Receiver receiver, String bootstrapServers) {
        String project = Api.project("retryafter");
        JsonPath sub = slack(project, receiver);
        Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

        Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
        List<Receiver.Request> requests = receiver.requests();
        assertEquals(2, requests.size());
        return Duration.between(requests.get(0).at(), requests.get(1).at());
    }

    @Test
    void slackRetryAfterInSecondsIsHonouredToTheSecond() throws Exception {
        try (Receiver receiver = Receiver.start().answer(new Answer(429, Map.of("Retry-After", "1"), "rate_limited"))) {
            Duration waited = slackRetryGap(receiver, bootstrapServers);
            // Not before the second is up; the upper bound leaves room for a loaded machine, far below the backoff.
            assertTrue(waited.toMillis() >= 950 && waited.toMillis() < 5000,
                    "retried after " + waited + " although Retry-After said 1 s (the ordinary backoff is 30 s)");
        }
    }

    @Test
    void slackRetryAfterAsAnHttpDateIsHonoured() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            receiver.respond(request -> receiver.requests().size() > 1 ? Answer.of(200)
                    : new Answer(429, Map.of("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3))), "rate_limited"));
            Duration waited = slackRetryGap(receiver, bootstrapServers);
            // The date has whole seconds: "in 3 s" is 2 to 3 s away.
            assertTrue(waited.toMillis() >= 1900 && waited.toMillis() < 7000, "retried after " + waited);
        }
    }

    @Test
    void aBurstOf200ToOneSlackChannelArrivesAsAHandfulOfMessagesNoneLost() throws Exception {
        List<Receiver.Request> accepted = new ArrayList<>();
        int[] refused = new int[1];
        try (Receiver receiver = Receiver.start()) {
            // Slack's limit: about one message per second per webhook; more get 429 with Retry-After.
            receiver.respond(request -> {
                synchronized (accepted) {
                    if (!accepted.isEmpty() && Duration.between(accepted.get(accepted.size() - 1).at(), request.at()).toMillis() < 1000) {
                        refused[0]++;
                        return new Answer(429, Map.of("Retry-After", "1"), "rate_limited");
                    }
                    accepted.add(request);
                    return Answer.of(200);
                }
            });
            String project = Api.project("burst200");
            JsonPath sub = slack(project, receiver);
            WharfEvent<?>[] burst = new WharfEvent<?>[200];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = Api.event(EventType.TAG_CREATED, project + "/api", "1.0." + i);
            }
            Kafka.publish(bootstrapServers, burst);

            Api.awaitDeliveries(sub.getString("id"), 200, "DELIVERED");
            int mentioned = 0;
            synchronized (accepted) {
                for (Receiver.Request message : accepted) {
                    String text = new JsonPath(message.body()).getString("text");
                    Matcher summed = SUMMED_UP.matcher(text);
                    mentioned += summed.find() ? Integer.parseInt(summed.group(1)) : 1;
                }
                assertTrue(accepted.size() <= 5, accepted.size() + " messages for one burst (" + refused[0] + " refused with 429)");
            }
            assertEquals(200, mentioned, "every event of the burst is counted in a message, once");
        }
    }
}
