package io.wharf.intake;

import static io.wharf.intake.IntakeProbe.awaitTakenIn;
import static io.wharf.intake.IntakeProbe.ids;
import static io.wharf.intake.IntakeProbe.intake;
import static io.wharf.intake.IntakeProbe.pushed;
import static io.wharf.intake.IntakeProbe.readiness;
import static io.wharf.intake.IntakeProbe.records;
import static io.wharf.intake.IntakeProbe.repository;
import static io.wharf.intake.IntakeProbe.taken;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * The intake on a real Kafka and a real PostgreSQL: each event handed to the service's handler once,
 * however often Kafka delivers it; bursts taken in a poll at a time, a repository's events in the order
 * written; records that are not events skipped without holding up the rest; and the readiness check.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_intake_test"))
class EventIntakeTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    IntakeProbe probe;

    @Test
    void reportsReadyWithItsDatabaseKafkaAndTheIntake() {
        readiness().then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "Kafka connection health check",
                        "registry-events intake"))
                .body("checks.find { it.name == 'registry-events intake' }.data.taken", notNullValue());
    }

    @Test
    void takesInEachEventOnceEvenWhenRedelivered() throws Exception {
        String repository = repository("again");
        WharfEvent<RegistryEventData> first = pushed(repository, "1");
        WharfEvent<RegistryEventData> second = pushed(repository, "2");
        long before = taken();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(EventCodec.toProducerRecord(first)).get();
            producer.send(EventCodec.toProducerRecord(first)).get();
            producer.send(EventCodec.toProducerRecord(second)).get();
        }

        awaitTakenIn(second.id());
        assertEquals(before + 2, taken(), "the redelivered first event was taken in only once");
        assertEquals(List.of(first.id(), second.id()), probe.handed(ids(List.of(first, second))), "the handler was handed each once");
        assertEquals(2, probe.rows("received_event", ids(List.of(first, second))), "each id recorded once");
        assertEquals(2, probe.rows("handled_event", ids(List.of(first, second))), "what the handler wrote committed once");
    }

    @Test
    void takesInABurstInBatchesEachEventOnceAndEachRepositorysInTheOrderWritten() {
        int count = 500;
        int repositories = 5;
        String project = repository("burst").split("/")[0];
        List<WharfEvent<RegistryEventData>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(pushed(project + "/app-" + (i % repositories), "1.0." + i));
        }
        long before = taken();

        probe.send(records(events));

        List<String> handed = await(count + " events handed").atMost(IntakeProbe.WAIT)
                .until(() -> probe.handed(ids(events)), list -> list.size() >= count);
        assertEquals(Set.copyOf(ids(events)), Set.copyOf(handed), "every event");
        assertEquals(count, handed.size(), "each once");
        for (int r = 0; r < repositories; r++) {
            String repository = project + "/app-" + r;
            List<String> written = ids(events.stream().filter(e -> e.data().repository().equals(repository)).toList());
            assertEquals(written, handed.stream().filter(written::contains).toList(), repository + " in the order written");
        }
        Set<String> burst = Set.copyOf(ids(events));
        long batches = probe.committedBatches().stream().filter(batch -> batch.stream().anyMatch(burst::contains)).count();
        assertTrue(batches < count, "taken in a poll at a time, not one event at a time: " + batches + " batches");
        assertEquals(before + count, taken(), "the readiness check counts them");
        assertEquals(count, probe.rows("received_event", ids(events)));
    }

    @Test
    void takesInOnlyTheNewEventsOfARedeliveredOrMixedBatch() {
        String repository = repository("mixed");
        List<WharfEvent<RegistryEventData>> first = List.of(pushed(repository, "1"), pushed(repository, "2"), pushed(repository, "3"));
        probe.send(records(first));
        awaitTakenIn(first.get(2).id());
        long taken = taken();

        probe.send(records(first));
        probe.awaitCommitted();
        assertEquals(taken, taken(), "the redelivered batch was acknowledged and took in nothing");
        assertEquals(ids(first), probe.handed(ids(first)), "and handed the handler nothing again");

        WharfEvent<RegistryEventData> fresh = pushed(repository, "4");
        List<ProducerRecord<String, byte[]>> mixed = records(first);
        mixed.add(1, EventCodec.toProducerRecord(fresh));
        probe.send(mixed);
        awaitTakenIn(fresh.id());

        assertEquals(taken + 1, taken(), "only the new event of the mixed batch was taken in");
        List<String> all = new ArrayList<>(ids(first));
        all.add(fresh.id());
        assertEquals(all, probe.handed(all), "each event handed once");
        assertTrue(probe.committedBatches().contains(List.of(fresh.id())), "the mixed batch handed its new event alone");
        assertEquals(4, probe.rows("handled_event", all));
    }

    @Test
    void skipsRecordsThatAreNotEventsAndTakesInTheRestOfTheirBatch() {
        String repository = repository("garbled");
        WharfEvent<RegistryEventData> before = pushed(repository, "1");
        WharfEvent<RegistryEventData> after = pushed(repository, "2");
        ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(Topics.REGISTRY_EVENTS, null, repository,
                "{not an event".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        WharfEvent<RegistryEventData> teleported = pushed(repository, "3");
        ProducerRecord<String, byte[]> unknownType = EventCodec.toProducerRecord(teleported);
        unknownType.headers().remove("ce_type").add("ce_type", "io.wharf.artifact.teleported".getBytes(StandardCharsets.UTF_8));
        long taken = taken();

        probe.send(List.of(EventCodec.toProducerRecord(before), garbage, unknownType,
                EventCodec.toProducerRecord(after)));
        awaitTakenIn(after.id());

        assertEquals(taken + 2, taken(), "the two events, not the records around them");
        assertEquals(ids(List.of(before, after)), probe.handed(ids(List.of(before, after, teleported))), "the handler saw only the events");
        assertEquals(0, probe.rows("received_event", List.of(teleported.id())), "the record of an unknown type was not recorded");
        readiness().then().statusCode(200).body("status", equalTo("UP"));
        assertEquals(after.id(), intake(readiness()).get("lastEventId"));
    }
}
