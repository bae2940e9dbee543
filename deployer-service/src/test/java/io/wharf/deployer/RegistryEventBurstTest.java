package io.wharf.deployer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.FakeTarget;
import io.wharf.deployer.support.Registry;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;
import io.wharf.infra.WharfInfraTestResource;

/**
 * Bursts of registry events, as a push of many tags causes them: each event planned once per matching
 * rule, a repository's events in the order they were written, the latest deployed. (How the intake
 * takes bursts, redeliveries and records that are not events is event-intake's to test.)
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class RegistryEventBurstTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static List<ProducerRecord<String, byte[]>> records(List<? extends WharfEvent<?>> events) {
        return events.stream().map(EventCodec::toProducerRecord).collect(Collectors.toCollection(ArrayList::new));
    }

    /** The rule's deployments once {@code count} exist, oldest first. */
    private static List<Map<String, Object>> planned(String rule, int count) {
        List<Map<String, Object>> all = new ArrayList<>(await(count + " deployments of rule " + rule).atMost(LONG_WAIT).until(
                () -> Api.deployments(rule), list -> list.size() >= count));
        all.sort(Comparator.comparing(d -> OffsetDateTime.parse((String) d.get("createdAt"))));
        return all;
    }

    private static List<Object> field(List<Map<String, Object>> deployments, String name) {
        return deployments.stream().map(d -> d.get(name)).toList();
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
}
