package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
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
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.FakeTarget;
import io.wharf.deployer.support.Registry;
import io.wharf.deployer.support.Waiting;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;
import io.wharf.infra.WharfInfraTestResource;

/**
 * Bursts of registry events, as a push of many tags causes them: taken in a poll at a time, each event
 * planned once per matching rule, a repository's events in the order they were written, redeliveries
 * ignored and records that are not events skipped without holding up the rest.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class RegistryEventBurstTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.incoming.registry-events.group.id")
    String groupId;

    private static List<ProducerRecord<String, byte[]>> records(List<? extends WharfEvent<?>> events) {
        return events.stream().map(EventCodec::toProducerRecord).collect(Collectors.toCollection(ArrayList::new));
    }

    /** The rule's deployments once {@code count} exist, oldest first. */
    private static List<Map<String, Object>> planned(String rule, int count) {
        List<Map<String, Object>> all = new ArrayList<>(Waiting.forValue(count + " deployments of rule " + rule, LONG_WAIT,
                () -> Api.deployments(rule), list -> list.size() >= count));
        all.sort(Comparator.comparing(d -> OffsetDateTime.parse((String) d.get("createdAt"))));
        return all;
    }

    private static List<Object> field(List<Map<String, Object>> deployments, String name) {
        return deployments.stream().map(d -> d.get(name)).toList();
    }

    private static Map<String, Object> intake() {
        return given().get("/q/health/ready").then().extract().jsonPath()
                .getMap("checks.find { it.name == 'registry-events intake' }.data");
    }

    private static long taken() {
        return ((Number) intake().get("taken")).longValue();
    }

    @Test
    void plansEveryEventOfABurstOnceInTheOrderWrittenAndDeploysTheLatest() {
        int count = 500;
        int repositories = 5;
        String project = Api.project();
        List<String> rules = new ArrayList<>();
        for (int r = 0; r < repositories; r++) {
            rules.add(Api.createRule(Api.fakeRule(project + "/app-" + r, "glob", "*", project + "-" + r,
                    Map.of("debounce", "2s"))).getString("id"));
        }
        String everyRepository = Api.createRule(Api.fakeRule(project + "/*", "glob", "*", project + "-all",
                Map.of("approvalsRequired", 1))).getString("id");
        List<WharfEvent<RegistryEventData>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Registry.pushed(project + "/app-" + (i % repositories), "1.0." + i, Registry.digest()));
        }

        KafkaTraffic.burst(bootstrap, records(events));

        for (int r = 0; r < repositories; r++) {
            String repository = project + "/app-" + r;
            List<WharfEvent<RegistryEventData>> own = events.stream().filter(e -> e.data().repository().equals(repository)).toList();
            List<Map<String, Object>> deployments = planned(rules.get(r), own.size());
            assertEquals(own.stream().map(WharfEvent::id).toList(), field(deployments, "eventId"),
                    repository + ": one deployment per event, created in the order written");
            String last = own.get(own.size() - 1).data().digest();
            Api.awaitState(rules.get(r), last, "succeeded");
            List<Map<String, Object>> settled = Api.settled(rules.get(r), own.size());
            assertTrue(settled.stream().allMatch(d -> List.of("superseded", "succeeded").contains(d.get("state"))), settled.toString());
            List<String> applied = FakeTarget.place(project + "-" + r).appliedImages();
            assertTrue(applied.get(applied.size() - 1).endsWith("@" + last), "the latest push is what runs: " + applied);
        }
        List<Map<String, Object>> all = planned(everyRepository, count);
        assertEquals(count, all.size(), "one deployment per event for the rule of every repository");
        assertEquals(1, all.stream().filter(d -> "awaiting_approval".equals(d.get("state"))).count(),
                "each one superseded the one before it");
        for (int r = 0; r < repositories; r++) {
            String repository = project + "/app-" + r;
            assertEquals(events.stream().filter(e -> e.data().repository().equals(repository)).map(WharfEvent::id).toList(),
                    all.stream().filter(d -> repository.equals(d.get("repository"))).map(d -> d.get("eventId")).toList(),
                    repository + " in the order written");
        }
    }

    @Test
    void plansOnlyTheNewEventsOfARedeliveredOrMixedBatch() {
        String project = Api.project();
        String repo = project + "/api";
        String rule = Api.createRule(Api.fakeRule(repo, "glob", "*", project, Map.of("approvalsRequired", 1))).getString("id");
        List<WharfEvent<RegistryEventData>> first = List.of(Registry.pushed(repo, "1", Registry.digest()),
                Registry.pushed(repo, "2", Registry.digest()), Registry.pushed(repo, "3", Registry.digest()));
        KafkaTraffic.burst(bootstrap, records(first));
        Api.awaitTakenIn(first.get(2).id());
        assertEquals(List.of("superseded", "superseded", "awaiting_approval"), field(planned(rule, 3), "state"));
        long taken = taken();

        KafkaTraffic.burst(bootstrap, records(first));
        KafkaTraffic.awaitCommitted(bootstrap, groupId, Topics.REGISTRY_EVENTS, LONG_WAIT);
        assertEquals(taken, taken(), "the redelivered batch was acknowledged and took in nothing");
        assertEquals(3, Api.deployments(rule).size(), "and planned nothing");

        WharfEvent<RegistryEventData> fresh = Registry.pushed(repo, "4", Registry.digest());
        List<ProducerRecord<String, byte[]>> mixed = records(first);
        mixed.add(2, EventCodec.toProducerRecord(fresh));
        KafkaTraffic.burst(bootstrap, mixed);
        Api.awaitTakenIn(fresh.id());

        assertEquals(taken + 1, taken(), "only the new event of the mixed batch was taken in");
        List<Map<String, Object>> deployments = planned(rule, 4);
        assertEquals(List.of(first.get(0).id(), first.get(1).id(), first.get(2).id(), fresh.id()), field(deployments, "eventId"));
        assertEquals(List.of("superseded", "superseded", "superseded", "awaiting_approval"), field(deployments, "state"));
    }

    @Test
    void skipsRecordsThatAreNotEventsAndPlansTheRestOfTheirBatch() {
        String project = Api.project();
        String repo = project + "/web";
        String rule = Api.createRule(Api.fakeRule(repo, "glob", "*", project, Map.of("approvalsRequired", 1))).getString("id");
        WharfEvent<RegistryEventData> before = Registry.pushed(repo, "1", Registry.digest());
        WharfEvent<RegistryEventData> after = Registry.pushed(repo, "2", Registry.digest());
        ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(Topics.REGISTRY_EVENTS, null, repo,
                "{not an event".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        ProducerRecord<String, byte[]> unknownType = EventCodec.toProducerRecord(Registry.pushed(repo, "3", Registry.digest()));
        unknownType.headers().remove("ce_type").add("ce_type", "io.wharf.artifact.teleported".getBytes(StandardCharsets.UTF_8));
        long taken = taken();

        KafkaTraffic.burst(bootstrap, List.of(EventCodec.toProducerRecord(before), garbage, unknownType,
                EventCodec.toProducerRecord(after)));
        Api.awaitTakenIn(after.id());

        assertEquals(taken + 2, taken(), "the two events, not the records around them");
        assertEquals(List.of(before.id(), after.id()), field(planned(rule, 2), "eventId"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
