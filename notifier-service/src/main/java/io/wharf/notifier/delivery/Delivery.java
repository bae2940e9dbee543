package io.wharf.notifier.delivery;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One registry event for one subscription; unique per (event id, subscription), recorded before any send. */
@Entity
@Table(name = "delivery")
public class Delivery {
    @Id
    public UUID id;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "subscription_id")
    public UUID subscriptionId;

    @Column(name = "event_type")
    public String eventType;

    public String repository;

    public String tag;

    public String digest;

    /** The event as a structured CloudEvent (JSON). */
    public String event;

    public boolean test;

    @Enumerated(EnumType.STRING)
    public State state;

    public int attempts;

    public int retries;

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    @Column(name = "last_status_code")
    public Integer lastStatusCode;

    @Column(name = "last_error")
    public String lastError;

    /** The order deliveries were planned in (events in their Kafka order): a subscription's are sent in it. */
    @Column(insertable = false, updatable = false)
    public long seq;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "completed_at")
    public OffsetDateTime completedAt;

    /** False while the outcome of a finished delivery has not reached Kafka yet. */
    @Column(name = "outcome_published")
    public boolean outcomePublished;

    /** Where a delivery stands. */
    public enum State {
        /** Waiting for its next attempt. */
        PENDING,
        /** The target accepted it. */
        DELIVERED,
        /** Given up on (attempts exhausted, refused for good, or its subscription disabled); can be redelivered. */
        DEAD,
        /** Not sent: the event came while its subscription was disabled; sent when redelivered. */
        SUPPRESSED
    }
}
