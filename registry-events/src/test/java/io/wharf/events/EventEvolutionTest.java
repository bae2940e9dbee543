package io.wharf.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static io.wharf.events.EventType.ARTIFACT_PUSHED;
import static io.wharf.events.EventType.NOTIFICATION_DELIVERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Additive evolution: older readers accept what newer writers add; writers add nothing that is null. */
class EventEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void structuredReaderIgnoresUnknownDataFieldsAndExtensions() throws IOException {
        ObjectNode document = (ObjectNode) JSON.readTree(GoldenSamples.json(ARTIFACT_PUSHED));
        document.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        document.put("wharfregion", "eu-west");
        ObjectNode data = (ObjectNode) document.get("data");
        data.put("vulnerabilities", 3);
        data.putObject("signature").put("keyId", "cosign-acme");
        ((ObjectNode) data.get("actor")).put("email", "alice@acme.example");
        ((ObjectNode) data.get("platforms").get(0)).put("osVersion", "10.0.17763");

        WharfEvent<?> event = EventCodec.fromStructuredJson(JSON.writeValueAsBytes(document));

        assertEquals(GoldenSamples.event(ARTIFACT_PUSHED), event);
    }

    @Test
    void binaryReaderIgnoresUnknownDataFieldsAndExtensionHeaders() throws IOException {
        WharfEvent<?> golden = GoldenSamples.event(ARTIFACT_PUSHED);
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(golden);
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add("ce_traceparent", bytes("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        headers.add("ce_partitionkey", bytes("acme/api"));
        ObjectNode data = (ObjectNode) JSON.readTree(record.value());
        data.put("scanStatus", "queued");

        WharfEvent<?> event = EventCodec.fromKafka(headers, JSON.writeValueAsBytes(data));

        assertEquals(golden, event);
    }

    @Test
    void structuredModeKafkaRecordIsAcceptedToo() {
        WharfEvent<?> golden = GoldenSamples.event(NOTIFICATION_DELIVERED);
        Headers headers = new RecordHeaders().add("content-type", bytes(EventCodec.STRUCTURED_CONTENT_TYPE));

        assertEquals(golden, EventCodec.fromKafka(headers, EventCodec.toStructuredJson(golden)));
    }

    @Test
    void unknownEnumValuesReadAsNull() throws IOException {
        ObjectNode document = (ObjectNode) JSON.readTree(GoldenSamples.json(NOTIFICATION_DELIVERED));
        ObjectNode data = (ObjectNode) document.get("data");
        data.put("channel", "teams");
        data.put("eventType", "io.wharf.artifact.scanned");

        NotificationEventData read = EventCodec.fromStructuredJson(JSON.writeValueAsBytes(document)).notificationData();

        assertNull(read.channel());
        assertNull(read.eventType());
        assertEquals("hooks.acme.example", read.target());
    }

    @Test
    void unknownEventTypeIsReportedSoConsumersCanSkipIt() throws IOException {
        ObjectNode document = (ObjectNode) JSON.readTree(GoldenSamples.json(ARTIFACT_PUSHED));
        document.put("type", "io.wharf.artifact.scanned");

        UnknownEventTypeException thrown = assertThrows(UnknownEventTypeException.class,
                () -> EventCodec.fromStructuredJson(JSON.writeValueAsBytes(document)));
        assertEquals("io.wharf.artifact.scanned", thrown.cloudEventType());
    }

    @Test
    void eventBreakingTheContractIsRejected() throws IOException {
        ObjectNode document = (ObjectNode) JSON.readTree(GoldenSamples.json(ARTIFACT_PUSHED));
        ((ObjectNode) document.get("data")).remove("digest");

        assertThrows(EventDecodingException.class, () -> EventCodec.fromStructuredJson(JSON.writeValueAsBytes(document)));
    }

    @Test
    void dataThatIsNotJsonIsRejected() {
        Headers headers = EventCodec.kafkaHeaders(GoldenSamples.event(ARTIFACT_PUSHED));

        assertThrows(EventDecodingException.class, () -> EventCodec.fromKafka(headers, bytes("not json")));
    }

    @Test
    void writersOmitNullFields() throws IOException {
        RegistryEventData data = RegistryEventData.builder("acme/api", "sha256:" + "ab".repeat(32))
                .tag("1.0.0")
                .actor(RegistryEventData.Actor.anonymous())
                .build();
        WharfEvent<RegistryEventData> event = WharfEvent.create(EventType.ARTIFACT_PULLED, URI.create("/wharf/registry"), data);

        JsonNode written = JSON.readTree(EventCodec.dataBytes(event));

        assertEquals(JSON.readTree("""
                {"repository": "acme/api", "digest": "sha256:%s", "tag": "1.0.0", "actor": {"kind": "anonymous"}}
                """.formatted("ab".repeat(32))), written);
        assertEquals(written, EventCodec.objectMapper().valueToTree(data));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
