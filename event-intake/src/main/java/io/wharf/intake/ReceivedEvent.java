package io.wharf.intake;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A registry event this service has taken in (its id makes redeliveries harmless). */
@Entity
@Table(name = "received_event")
public class ReceivedEvent {
    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String repository;

    public String digest;

    public String tag;

    @Column(name = "occurred_at", nullable = false)
    public OffsetDateTime occurredAt;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;
}
