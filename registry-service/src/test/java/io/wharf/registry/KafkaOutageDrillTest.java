package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.Topics;
import io.wharf.infra.InjectKafkaBroker;
import io.wharf.infra.RestartableKafkaBroker;

/**
 * The outage drill: with the broker stopped, pushes succeed and their events wait in the outbox;
 * once it is back, every event arrives, none twice, each repository's in the order they happened.
 */
@QuarkusTest
class KafkaOutageDrillTest {

    @InjectKafkaBroker
    RestartableKafkaBroker kafka;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "mp.messaging.outgoing.registry-events.delivery.timeout.ms")
    long deliveryTimeoutMs;

    @Test
    void pushesDuringAKafkaOutageArriveOnceAndInPerRepositoryOrderWhenItReturns() throws Exception {
        String project = "drill-" + Oci.suffix();
        List<String> repos = List.of(project + "/api", project + "/web", project + "/worker");
        Map<String, List<String>> expected = new LinkedHashMap<>();
        kafka.stop();
        try {
            for (int i = 0; i < 20; i++) {
                Oci.pushImage(repos.get(i % 3), "v" + i);
            }
            // The history answers while Kafka is down: the events are committed, waiting to be relayed.
            JsonPath history = given().queryParam("project", project).queryParam("limit", 500)
                    .get("/api/v1/events").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> events = history.getList("events");
            for (Map<String, Object> event : events) {
                @SuppressWarnings("unchecked")
                String repo = (String) ((Map<String, Object>) event.get("data")).get("repository");
                expected.computeIfAbsent(repo, r -> new ArrayList<>()).add((String) event.get("id"));
            }
            // Per repository: its first push adds repository.created; every push artifact.pushed and tag.created.
            assertEquals(3 + 20 * 2, events.size());
            // Outlast the producer's delivery timeout: the relay's sends fail and are retried, not merely delayed.
            Thread.sleep(deliveryTimeoutMs + 5_000);
        } finally {
            kafka.start();
        }

        Set<String> expectedIds = new HashSet<>();
        expected.values().forEach(expectedIds::addAll);
        List<ConsumerRecord<String, byte[]>> records = TestKafka.read(bootstrapServers, Topics.REGISTRY_EVENTS,
                r -> repos.contains(r.key()),
                found -> found.stream().map(KafkaOutageDrillTest::id).collect(java.util.stream.Collectors.toSet()).containsAll(expectedIds),
                Duration.ofSeconds(120), Duration.ofSeconds(3));

        Map<String, List<String>> arrived = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            arrived.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id(r));
        }
        assertEquals(expectedIds.size(), records.size(), "every event arrived exactly once");
        for (String repo : repos) {
            assertEquals(expected.get(repo), arrived.get(repo), "events of " + repo + " in the order they happened");
        }
    }

    private static String id(ConsumerRecord<?, ?> record) {
        Header h = record.headers().lastHeader("ce_id");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
