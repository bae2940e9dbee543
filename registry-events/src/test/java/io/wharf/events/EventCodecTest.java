package io.wharf.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EventCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(EventType.class)
    void goldenSampleReadsAsItsType(EventType type) {
        WharfEvent<?> event = GoldenSamples.event(type);

        assertEquals(type, event.type());
        assertEquals(type.dataType(), event.data().getClass());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void structuredJsonReproducesGoldenSampleExactly(EventType type) throws IOException {
        byte[] written = EventCodec.toStructuredJson(GoldenSamples.event(type));

        assertEquals(JSON.readTree(GoldenSamples.json(type)), JSON.readTree(written));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void binaryKafkaRecordReadsBackAsTheSameEvent(EventType type) {
        WharfEvent<?> event = GoldenSamples.event(type);
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(event);

        assertEquals(event, EventCodec.fromKafka(record.headers(), record.value()));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void cloudEventReadsBackAsTheSameEvent(EventType type) {
        WharfEvent<?> event = GoldenSamples.event(type);
        CloudEvent cloudEvent = EventCodec.toCloudEvent(event);

        assertEquals(event, EventCodec.fromCloudEvent(cloudEvent));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void binaryRecordCarriesAttributesInCeHeadersAndDataAsValue(EventType type) throws IOException {
        WharfEvent<?> event = GoldenSamples.event(type);
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(event);
        JsonNode golden = JSON.readTree(GoldenSamples.json(type));

        Set<String> expected = event.subject() == null
                ? Set.of("ce_id", "ce_source", "ce_specversion", "ce_type", "ce_time", "content-type")
                : Set.of("ce_id", "ce_source", "ce_specversion", "ce_type", "ce_subject", "ce_time", "content-type");
        assertEquals(expected, headerNames(record.headers()));
        assertEquals(expected.size(), record.headers().toArray().length, "no header repeated");
        assertEquals(golden.get("id").asText(), header(record.headers(), "ce_id"));
        assertEquals(golden.get("source").asText(), header(record.headers(), "ce_source"));
        assertEquals("1.0", header(record.headers(), "ce_specversion"));
        assertEquals(type.cloudEventType(), header(record.headers(), "ce_type"));
        assertEquals(golden.get("time").asText(), header(record.headers(), "ce_time"));
        assertEquals("application/json", header(record.headers(), "content-type"));
        if (event.subject() != null) {
            assertEquals(golden.get("subject").asText(), header(record.headers(), "ce_subject"));
        }
        assertEquals(golden.get("data"), JSON.readTree(record.value()));
        assertArrayEquals(EventCodec.dataBytes(event), record.value());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void recordGoesToTheTypesTopicKeyedForOrdering(EventType type) {
        WharfEvent<?> event = GoldenSamples.event(type);
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(event);

        assertEquals(type.topic(), record.topic());
        String expectedKey = type.isRegistryEvent() ? event.registryData().repository()
                : type.isAuditEvent() ? event.auditData().project()
                : type.isStorageEvent() ? (event.storageData().project() == null ? "-" : event.storageData().project())
                : ((PipelineEventData) event.data()).eventId();
        assertEquals(expectedKey, record.key());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void kafkaHeadersMatchTheProducerRecord(EventType type) {
        WharfEvent<?> event = GoldenSamples.event(type);

        assertEquals(EventCodec.toProducerRecord(event).headers(), EventCodec.kafkaHeaders(event));
    }

    private static Set<String> headerNames(Headers headers) {
        return StreamSupport.stream(headers.spliterator(), false).map(Header::key).collect(Collectors.toSet());
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
