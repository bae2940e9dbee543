package io.wharf.notifier.delivery;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One try at a delivery, as the delivery log shows it. */
@Entity
@Table(name = "delivery_attempt")
public class DeliveryAttempt {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "delivery_id")
    public UUID deliveryId;

    public int attempt;

    @Column(name = "attempted_at")
    public OffsetDateTime attemptedAt;

    @Column(name = "status_code")
    public Integer statusCode;

    @Column(name = "latency_ms")
    public long latencyMs;

    public String error;

    @Column(name = "response_excerpt")
    public String responseExcerpt;
}
