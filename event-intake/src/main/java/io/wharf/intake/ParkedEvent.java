package io.wharf.intake;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A registry event the intake could not take in and set aside (table {@code parked_event}, migration
 * {@code db/intake/V6__parked_events.sql}): the event, the Kafka record it came in, its last failure, and
 * whether it has been replayed since.
 */
@Entity
@Table(name = "parked_event")
public class ParkedEvent {

    /** Waiting for a replay. */
    public static final String PARKED = "parked";
    /** Taken in by a replay (or found taken in already). */
    public static final String REPLAYED = "replayed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String repository;

    /** The event as a structured CloudEvents JSON document. */
    @Column(name = "event_json", nullable = false)
    public String eventJson;

    @Column(name = "record_topic", nullable = false)
    public String recordTopic;

    @Column(name = "record_partition", nullable = false)
    public int recordPartition;

    @Column(name = "record_offset", nullable = false)
    public long recordOffset;

    @Column(name = "record_key")
    public String recordKey;

    /** The record's headers as a JSON object (name → value as UTF-8 text). */
    @Column(name = "record_headers", nullable = false)
    public String recordHeaders;

    @Column(name = "record_value")
    public byte[] recordValue;

    @Column(name = "error_class", nullable = false)
    public String errorClass;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "first_failed_at", nullable = false)
    public OffsetDateTime firstFailedAt;

    @Column(name = "last_failed_at", nullable = false)
    public OffsetDateTime lastFailedAt;

    @Column(nullable = false)
    public String state;

    @Column(name = "replayed_at")
    public OffsetDateTime replayedAt;
}
