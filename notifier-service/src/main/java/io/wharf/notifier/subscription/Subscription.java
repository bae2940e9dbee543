package io.wharf.notifier.subscription;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.wharf.events.EventCodec;
import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.Destination;
import io.wharf.notifier.channel.PayloadFormat;

/**
 * Who wants to hear about which registry events, and through which channel. Secrets
 * ({@link #secret}, {@link #previousSecret}, the Slack URL, header values) never leave the service
 * after creation: views mask them. The signing secrets are stored sealed ({@link SealedSecretConverter}).
 */
@Entity
@Table(name = "subscription")
public class Subscription {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    @Id
    public UUID id;

    public String name;

    @Enumerated(EnumType.STRING)
    public Scope scope;

    /** The project; null only for {@link Scope#GLOBAL}. */
    public String project;

    @Column(name = "repository_glob")
    public String repositoryGlob;

    /** Comma-separated CloudEvents types; null means every registry event type. */
    @Column(name = "event_types")
    public String eventTypes;

    @Column(name = "tag_pattern")
    public String tagPattern;

    @Enumerated(EnumType.STRING)
    @Column(name = "tag_pattern_syntax")
    public PatternSyntax tagPatternSyntax;

    @Enumerated(EnumType.STRING)
    public ChannelKind channel;

    public String url;

    /** JSON object of extra webhook request headers. */
    public String headers;

    @Enumerated(EnumType.STRING)
    @Column(name = "payload_format")
    public PayloadFormat payloadFormat;

    @Convert(converter = SealedSecretConverter.class)
    public String secret;

    @Column(name = "previous_secret")
    @Convert(converter = SealedSecretConverter.class)
    public String previousSecret;

    @Column(name = "previous_secret_expires_at")
    public OffsetDateTime previousSecretExpiresAt;

    /** Comma-separated email addresses. */
    public String recipients;

    @Column(name = "digest_interval_seconds")
    public Long digestIntervalSeconds;

    public String owner;

    @Column(name = "owner_email")
    public String ownerEmail;

    public boolean enabled;

    @Column(name = "disabled_reason")
    public String disabledReason;

    @Column(name = "disabled_at")
    public OffsetDateTime disabledAt;

    @Column(name = "failing_since")
    public OffsetDateTime failingSince;

    @Column(name = "paused_until")
    public OffsetDateTime pausedUntil;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** What a subscription listens to. */
    public enum Scope { GLOBAL, PROJECT, REPOSITORY }

    /** How a tag pattern is read. */
    public enum PatternSyntax { GLOB, REGEX }

    /** What its channel needs for one send, read now (a rotated-out secret signs until its overlap ends). */
    public Destination destination() {
        List<String> secrets = new ArrayList<>();
        if (secret != null) {
            secrets.add(secret);
        }
        if (previousSecret != null && previousSecretExpiresAt != null && previousSecretExpiresAt.isAfter(OffsetDateTime.now())) {
            secrets.add(previousSecret);
        }
        List<String> addresses = recipients == null ? List.of() : Arrays.stream(recipients.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new Destination(channel, url, customHeaders(), payloadFormat, secrets, addresses);
    }

    /** The extra webhook request headers, by name (empty when none). */
    public Map<String, String> customHeaders() {
        if (headers == null || headers.isBlank()) {
            return Map.of();
        }
        try {
            return EventCodec.objectMapper().readValue(headers, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored headers are not JSON", e);
        }
    }
}
