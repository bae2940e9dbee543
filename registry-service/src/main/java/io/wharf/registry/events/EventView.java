package io.wharf.registry.events;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.wharf.events.EventCodec;

/**
 * One event as the query API answers it: the CloudEvents 1.0 structured form
 * ({@code application/cloudevents+json}), data inline as JSON exactly as it was published.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"specversion", "id", "type", "source", "subject", "time", "datacontenttype", "data"})
@Schema(name = "Event", description = "A CloudEvents 1.0 event in structured form; data is the event's JSON data "
        + "(registry events: RegistryEventData; notification.* and deployment.*: their outcome data).")
public record EventView(
        @Schema(description = "Always 1.0") String specversion,
        @Schema(description = "Unique, stable event id") String id,
        @Schema(description = "CloudEvents type, e.g. io.wharf.artifact.pushed") String type,
        @Schema(description = "Producer, e.g. /wharf/registry") String source,
        @Schema(description = "The tag, else the digest the event is about") String subject,
        @Schema(description = "When it happened (RFC 3339)") OffsetDateTime time,
        @Schema(description = "Always application/json") String datacontenttype,
        @Schema(description = "The event data as JSON", implementation = Object.class) @JsonRawValue String data) {

    public static EventView of(String id, String type, String source, String subject, OffsetDateTime time, String data) {
        return new EventView("1.0", id, type, source, subject, time, EventCodec.DATA_CONTENT_TYPE, data);
    }
}
