package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns {@link WharfEvent}s into bytes and back; the one place the wire formats are decided.
 *
 * <ul>
 *   <li>Kafka, CloudEvents binary mode: attributes in headers {@code ce_id}, {@code ce_source},
 *       {@code ce_specversion}, {@code ce_type}, {@code ce_subject}, {@code ce_time} and
 *       {@code content-type: application/json}; the value is the data JSON. Topic and key come
 *       from the event ({@link WharfEvent#topic()}, {@link WharfEvent#partitionKey()}).</li>
 *   <li>Structured mode: one {@code application/cloudevents+json} document.</li>
 *   <li>SDK {@link CloudEvent}s, for code that speaks the CloudEvents SDK directly (for example
 *       with {@link io.cloudevents.kafka.CloudEventSerializer}, which writes the same headers).</li>
 * </ul>
 *
 * <p>Guarantees: decoding what was encoded gives an equal event, in every format. Readers ignore
 * unknown data fields, unknown enum values (read as null) and unknown CloudEvents extensions, and
 * accept either Kafka mode. Writers omit null fields. Invalid input throws
 * {@link EventDecodingException}; an unknown type throws its subclass {@link UnknownEventTypeException}.
 * All methods are thread-safe.
 */
public final class EventCodec {

    /** {@code datacontenttype} of every Wharf event. */
    public static final String DATA_CONTENT_TYPE = "application/json";

    /** Content type of structured-mode documents. */
    public static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final JsonFormat STRUCTURED = new JsonFormat();

    private EventCodec() {
    }

    /**
     * The mapper used for event data: Java time as ISO-8601 strings, unknown properties ignored,
     * nulls omitted. Shared: use it, never reconfigure it.
     */
    public static ObjectMapper objectMapper() {
        return MAPPER;
    }

    /** The event's data as JSON bytes (UTF-8), as carried in a binary-mode Kafka record's value. */
    public static byte[] dataBytes(WharfEvent<?> event) {
        try {
            return MAPPER.writeValueAsBytes(event.data());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write data of event " + event.id(), e);
        }
    }

    /** Reads data JSON into the record {@code type} carries. */
    public static EventData readData(EventType type, byte[] json) {
        EventData data;
        try {
            data = MAPPER.readValue(json, type.dataType());
        } catch (IOException e) {
            throw new EventDecodingException("Invalid data for " + type.cloudEventType() + ": " + e.getMessage(), e);
        }
        if (data == null) {
            throw new EventDecodingException("No data for " + type.cloudEventType());
        }
        return data;
    }

    /** The event as an SDK CloudEvent (spec 1.0) with JSON bytes as data. */
    public static CloudEvent toCloudEvent(WharfEvent<?> event) {
        return CloudEventBuilder.v1()
                .withId(event.id())
                .withType(event.type().cloudEventType())
                .withSource(event.source())
                .withSubject(event.subject())
                .withTime(event.time())
                .withData(DATA_CONTENT_TYPE, dataBytes(event))
                .build();
    }

    /** Reads an SDK CloudEvent; extensions are ignored. */
    public static WharfEvent<?> fromCloudEvent(CloudEvent cloudEvent) {
        EventType type = EventType.find(cloudEvent.getType())
                .orElseThrow(() -> new UnknownEventTypeException(cloudEvent.getType()));
        if (cloudEvent.getData() == null) {
            throw new EventDecodingException("Event " + cloudEvent.getId() + " has no data");
        }
        EventData data = readData(type, cloudEvent.getData().toBytes());
        try {
            return new WharfEvent<>(cloudEvent.getId(), type, cloudEvent.getSource(), cloudEvent.getSubject(),
                    cloudEvent.getTime(), data);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventDecodingException("Invalid event " + cloudEvent.getId() + ": " + e.getMessage(), e);
        }
    }

    /** A binary-mode Kafka record for the event, on its topic, keyed by its partition key. */
    public static ProducerRecord<String, byte[]> toProducerRecord(WharfEvent<?> event) {
        return KafkaMessageFactory.<String>createWriter(event.topic(), event.partitionKey())
                .writeBinary(toCloudEvent(event));
    }

    /** The binary-mode headers for the event; the matching value is {@link #dataBytes(WharfEvent)}. */
    public static Headers kafkaHeaders(WharfEvent<?> event) {
        return toProducerRecord(event).headers();
    }

    /** Reads a Kafka record's headers and value, in binary or structured mode. */
    public static WharfEvent<?> fromKafka(Headers headers, byte[] value) {
        CloudEvent cloudEvent;
        try {
            cloudEvent = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new EventDecodingException("Not a CloudEvent: " + e.getMessage(), e);
        }
        return fromCloudEvent(cloudEvent);
    }

    /** Reads a Kafka record, in binary or structured mode. */
    public static WharfEvent<?> fromKafka(ConsumerRecord<?, byte[]> record) {
        return fromKafka(record.headers(), record.value());
    }

    /** The event as one structured-mode JSON document ({@link #STRUCTURED_CONTENT_TYPE}), UTF-8. */
    public static byte[] toStructuredJson(WharfEvent<?> event) {
        return STRUCTURED.serialize(toCloudEvent(event));
    }

    /** Reads a structured-mode JSON document. */
    public static WharfEvent<?> fromStructuredJson(byte[] json) {
        CloudEvent cloudEvent;
        try {
            cloudEvent = STRUCTURED.deserialize(json);
        } catch (EventDeserializationException | CloudEventRWException | IllegalStateException e) {
            throw new EventDecodingException("Not a structured CloudEvent: " + e.getMessage(), e);
        }
        return fromCloudEvent(cloudEvent);
    }

    /** Reads a structured-mode JSON document. */
    public static WharfEvent<?> fromStructuredJson(String json) {
        return fromStructuredJson(json.getBytes(StandardCharsets.UTF_8));
    }
}
