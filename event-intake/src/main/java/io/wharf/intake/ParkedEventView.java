package io.wharf.intake;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.events.EventCodec;

/**
 * A parked event as the API shows it: the event (a structured CloudEvents document), where its record
 * was ({@code topic}, {@code partition}, {@code offset}, {@code key}), its last failure, the attempts made
 * (the batch's, the event's own, and failed replays), when it first and last failed, and its state
 * ({@code parked}, {@code replayed}).
 */
public record ParkedEventView(long id, String eventId, String type, String repository, JsonNode event,
        String topic, int partition, long offset, String key,
        String errorClass, String errorMessage, int attempts, OffsetDateTime firstFailedAt, OffsetDateTime lastFailedAt,
        String state, OffsetDateTime replayedAt) {

    static ParkedEventView of(ParkedEvent p) {
        JsonNode event;
        try {
            event = EventCodec.objectMapper().readTree(p.eventJson);
        } catch (JsonProcessingException e) {
            event = null;
        }
        return new ParkedEventView(p.id, p.eventId, p.type, p.repository, event, p.recordTopic, p.recordPartition,
                p.recordOffset, p.recordKey, p.errorClass, p.errorMessage, p.attempts, p.firstFailedAt, p.lastFailedAt,
                p.state, p.replayedAt);
    }
}
