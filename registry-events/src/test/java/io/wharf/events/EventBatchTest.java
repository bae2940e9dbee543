package io.wharf.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EventBatchTest {

    private static final String TOPIC = Topics.REGISTRY_EVENTS;

    private static ConsumerRecord<String, byte[]> record(long offset, ProducerRecord<String, byte[]> produced) {
        return new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, produced.key(),
                produced.value(), produced.headers(), java.util.Optional.empty());
    }

    private static ConsumerRecord<String, byte[]> record(long offset, WharfEvent<?> event) {
        return record(offset, EventCodec.toProducerRecord(event));
    }

    private static WharfEvent<?> pushed(String tag) {
        WharfEvent<?> golden = GoldenSamples.event(EventType.ARTIFACT_PUSHED);
        return WharfEvent.create(EventType.ARTIFACT_PUSHED, golden.source(),
                RegistryEventData.builder(golden.registryData().repository(), golden.registryData().digest()).tag(tag).build());
    }

    @Test
    void keepsTheRecordsOrderAndEachEventIdOnce() {
        WharfEvent<?> first = pushed("1");
        WharfEvent<?> second = pushed("2");
        WharfEvent<?> third = pushed("3");

        EventBatch batch = EventBatch.fromKafka(List.of(record(10, first), record(11, second), record(12, first),
                record(13, third)));

        assertEquals(List.of(first, second, third), batch.events());
        assertTrue(batch.skipped().isEmpty());
    }

    @Test
    void skipsWhatIsNotAWharfEventAndSaysWhereItWas() {
        WharfEvent<?> before = pushed("1");
        WharfEvent<?> after = pushed("2");
        ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(TOPIC, null, "repo", "not json".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders());
        ProducerRecord<String, byte[]> unknown = EventCodec.toProducerRecord(pushed("3"));
        unknown.headers().remove("ce_type").add("ce_type", "io.wharf.registry.teleported".getBytes(StandardCharsets.UTF_8));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(List.of(record(4, before), record(5, garbage),
                record(6, unknown), record(7, after)));

        EventBatch batch = EventBatch.fromKafka(records);

        assertEquals(List.of(before, after), batch.events());
        assertEquals(List.of(TOPIC + "-0@5", TOPIC + "-0@6"), batch.skipped().stream().map(EventBatch.Skipped::position).toList());
        assertTrue(batch.skipped().get(1).reason().contains("teleported"), batch.skipped().get(1).reason());
    }
}
