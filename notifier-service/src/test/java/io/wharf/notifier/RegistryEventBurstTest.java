package io.wharf.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Receiver;

/**
 * Bursts of registry events, as a push of many tags causes them: each event delivered once, a
 * repository's events in the order they were written. (How the intake takes bursts, redeliveries and
 * records that are not events is event-intake's to test.)
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class RegistryEventBurstTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

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

            await(count + " webhook requests").atMost(WAIT).until(() -> project.requests().size(), n -> n >= count);
            Api.awaitDeliveries(subscription, count, "DELIVERED");
            List<WharfEvent<?>> delivered = received(project);
            assertEquals(count, delivered.size(), "one request per event");
            assertEquals(events.stream().map(WharfEvent::id).collect(Collectors.toSet()),
                    delivered.stream().map(WharfEvent::id).collect(Collectors.toSet()), "every event, each once");
            for (int r = 0; r < repositories; r++) {
                String repository = name + "/app-" + r;
                assertEquals(tagsOf(events, repository), tagsOf(delivered, repository), repository + " in the order written");
            }
            List<WharfEvent<?>> matched = await("the repository's events").atMost(WAIT).until(() -> received(oneRepository),
                    list -> list.size() >= count / repositories);
            assertEquals(tagsOf(events, name + "/app-1"), tagsOf(matched, name + "/app-1"), "only app-1's, in order");
        }
    }
}
