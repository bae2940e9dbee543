package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Await;
import io.wharf.notifier.support.Receiver;

/**
 * Bursts of registry events, as a push of many tags causes them: taken in a poll at a time, each event
 * delivered once, a repository's events in the order they were written, redeliveries ignored and
 * records that are not events skipped without holding up the rest.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class RegistryEventBurstTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "mp.messaging.incoming.registry-events.group.id")
    String groupId;

    private static Map<String, Object> webhook(String project, Receiver receiver) {
        return Map.of("name", "burst", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                "url", receiver.url("/hook"), "payloadFormat", "CLOUDEVENTS_STRUCTURED");
    }

    private static List<ProducerRecord<String, byte[]>> records(List<? extends WharfEvent<?>> events) {
        return events.stream().map(EventCodec::toProducerRecord).collect(Collectors.toCollection(ArrayList::new));
    }

    private static List<WharfEvent<?>> received(Receiver receiver) {
        return receiver.requests().stream().<WharfEvent<?>>map(r -> EventCodec.fromStructuredJson(r.body())).toList();
    }

    private static List<String> tagsOf(List<? extends WharfEvent<?>> events, String repository) {
        return events.stream().filter(e -> e.data().repository().equals(repository)).map(e -> e.data().tag()).toList();
    }

    @Test
    void deliversEveryEventOfABurstOnceAndEachRepositorysInTheOrderWritten() throws Exception {
        int count = 500;
        int repositories = 5;
        try (Receiver project = Receiver.start(); Receiver oneRepository = Receiver.start()) {
            String name = Api.project("burst");
            String subscription = Api.create(webhook(name, project)).getString("id");
            Api.create(Map.of("name", "one repository", "scope", "REPOSITORY", "project", name, "repository", name + "/app-1",
                    "channel", "WEBHOOK", "url", oneRepository.url("/hook")));
            List<WharfEvent<RegistryEventData>> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                events.add(Api.pushed(name + "/app-" + (i % repositories), "1.0." + i));
            }

            KafkaTraffic.burst(bootstrapServers, records(events));

            Await.until(count + " webhook requests", WAIT, () -> project.requests().size(), n -> n >= count);
            Api.awaitDeliveries(subscription, count, "DELIVERED");
            List<WharfEvent<?>> delivered = received(project);
            assertEquals(count, delivered.size(), "one request per event");
            assertEquals(events.stream().map(WharfEvent::id).collect(Collectors.toSet()),
                    delivered.stream().map(WharfEvent::id).collect(Collectors.toSet()), "every event, each once");
            for (int r = 0; r < repositories; r++) {
                String repository = name + "/app-" + r;
                assertEquals(tagsOf(events, repository), tagsOf(delivered, repository), repository + " in the order written");
            }
            List<WharfEvent<?>> matched = Await.until("the repository's events", WAIT, () -> received(oneRepository),
                    list -> list.size() >= count / repositories);
            assertEquals(tagsOf(events, name + "/app-1"), tagsOf(matched, name + "/app-1"), "only app-1's, in order");
        }
    }

    @Test
    void takesInOnlyTheNewEventsOfARedeliveredOrMixedBatch() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String name = Api.project("again");
            String subscription = Api.create(webhook(name, receiver)).getString("id");
            List<WharfEvent<RegistryEventData>> first = List.of(Api.pushed(name + "/a", "1"), Api.pushed(name + "/b", "1"),
                    Api.pushed(name + "/a", "2"));
            KafkaTraffic.burst(bootstrapServers, records(first));
            awaitTakenIn(first.get(2).id());
            Api.awaitDeliveries(subscription, 3, "DELIVERED");
            long taken = taken();

            KafkaTraffic.burst(bootstrapServers, records(first));
            KafkaTraffic.awaitCommitted(bootstrapServers, groupId, Topics.REGISTRY_EVENTS, WAIT);
            assertEquals(taken, taken(), "the redelivered batch was acknowledged and took in nothing");

            WharfEvent<RegistryEventData> fresh = Api.pushed(name + "/b", "2");
            List<ProducerRecord<String, byte[]>> mixed = records(first);
            mixed.add(1, EventCodec.toProducerRecord(fresh));
            KafkaTraffic.burst(bootstrapServers, mixed);
            awaitTakenIn(fresh.id());
            assertEquals(taken + 1, taken(), "only the new event of the mixed batch was taken in");

            Api.awaitDeliveries(subscription, 4, "DELIVERED");
            List<WharfEvent<?>> delivered = received(receiver);
            assertEquals(List.of(first.get(0).id(), first.get(1).id(), first.get(2).id(), fresh.id()),
                    delivered.stream().map(WharfEvent::id).toList(), "each event sent once");
        }
    }

    @Test
    void skipsRecordsThatAreNotEventsAndTakesInTheRestOfTheirBatch() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String name = Api.project("garbled");
            String subscription = Api.create(webhook(name, receiver)).getString("id");
            WharfEvent<RegistryEventData> before = Api.pushed(name + "/api", "1");
            WharfEvent<RegistryEventData> after = Api.pushed(name + "/api", "2");
            ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(Topics.REGISTRY_EVENTS, null, name + "/api",
                    "{not an event".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
            ProducerRecord<String, byte[]> unknownType = EventCodec.toProducerRecord(Api.pushed(name + "/api", "3"));
            unknownType.headers().remove("ce_type").add("ce_type", "io.wharf.artifact.teleported".getBytes(StandardCharsets.UTF_8));
            long taken = taken();

            KafkaTraffic.burst(bootstrapServers, List.of(EventCodec.toProducerRecord(before), garbage, unknownType,
                    EventCodec.toProducerRecord(after)));

            awaitTakenIn(after.id());
            assertEquals(taken + 2, taken(), "the two events, not the records around them");
            Api.awaitDeliveries(subscription, 2, "DELIVERED");
            assertEquals(List.of("1", "2"), tagsOf(received(receiver), name + "/api"));
            given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    private static JsonPath intake() {
        JsonPath health = given().when().get("/q/health/ready").then().extract().jsonPath();
        return new JsonPath(health.prettify()).setRootPath("checks.find { it.name == 'registry-events intake' }.data");
    }

    private static long taken() {
        return intake().getLong("taken");
    }

    private static void awaitTakenIn(String eventId) {
        Await.until("event " + eventId + " taken in", WAIT, () -> eventId.equals(intake().getString("lastEventId")));
    }
}
