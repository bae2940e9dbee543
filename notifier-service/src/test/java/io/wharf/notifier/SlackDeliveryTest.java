package io.wharf.notifier;

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
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Receiver.Answer;

/** Slack incoming webhooks: readable messages, bursts summed up, 429 honoured. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class SlackDeliveryTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static JsonPath slack(String project, Receiver receiver) {
        return Api.create(Map.of("name", "team channel", "scope", "PROJECT", "project", project, "channel", "SLACK",
                "url", receiver.url("/services/T000/B000/XXXXSECRET")));
    }

    @Test
    void postsAReadableMessageForOneEvent() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("slack");
            JsonPath sub = slack(project, receiver);
            assertEquals(receiver.url("/********"), sub.getString("url"), "the webhook URL's secret path is never shown");
            WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "1.4.2");
            Kafka.publish(bootstrapServers, event);

            Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
            List<Receiver.Request> requests = receiver.requests();
            assertEquals(1, requests.size());
            assertEquals("/services/T000/B000/XXXXSECRET", requests.get(0).path());
            JsonPath message = new JsonPath(requests.get(0).body());
            assertEquals(project + "/api:1.4.2 pushed", message.getString("text"));
            assertEquals("header", message.getString("blocks[0].type"));
            assertEquals(project + "/api:1.4.2 pushed", message.getString("blocks[0].text.text"));
            String fields = message.getString("blocks[1].fields.text");
            assertTrue(fields.contains(project + "/api:1.4.2"), fields);
            assertTrue(fields.contains(event.data().digest()), fields);
            assertTrue(fields.contains("alice"), fields);
            assertEquals("<http://registry.test/api/v1/events/" + event.id() + "/trace|What happened next>",
                    message.getString("blocks[2].text.text"));
        }
    }

    @Test
    void sumsUpABurstInOneMessage() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("burst");
            JsonPath sub = slack(project, receiver);
            WharfEvent<?>[] burst = new WharfEvent<?>[7];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = Api.event(EventType.TAG_CREATED, project + "/api", "1." + i);
            }
            Kafka.publish(bootstrapServers, burst);

            Api.awaitDeliveries(sub.getString("id"), 7, "DELIVERED");
            List<Receiver.Request> requests = receiver.requests();
            assertEquals(1, requests.size(), "one message for the burst");
            JsonPath message = new JsonPath(requests.get(0).body());
            assertEquals("7 tags pushed to " + project + "/api", message.getString("text"));
            assertTrue(message.getString("blocks[1].text.text").contains(project + "/api:1.6 tagged by alice"));
        }
    }

    @Test
    void waitsAsLongAsSlackAsksOn429() throws Exception {
        try (Receiver receiver = Receiver.start().answer(new Answer(429, Map.of("Retry-After", "2"), "rate_limited"))) {
            Duration waited = PromptDeliveryTest.slackRetryGap(receiver, bootstrapServers);
            assertTrue(waited.toMillis() >= 1900, "waited only " + waited);
        }
    }
}
