package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Data of {@code notification.delivered} and {@code notification.failed}: the outcome of one
 * delivery of one registry event to one subscription. Carries no secret.
 *
 * @param eventId        id of the registry event notified about; never null
 * @param eventType      type of that event (null if this reader does not know the type)
 * @param subscriptionId the subscription that matched
 * @param deliveryId     the delivery, unique per (event id, subscription)
 * @param channel        how it was sent
 * @param target         display string for where it went, without secrets (e.g. the URL's host)
 * @param attempt        1 for the first attempt
 * @param statusCode     the target's answer (HTTP status or SMTP reply code), null if none came
 * @param error          why it failed, null when delivered
 * @param repository     repository of the registry event; null when that event concerns no repository (a
 *                       registry-wide storage event such as {@code gc.completed}), required otherwise
 * @param tag            tag of the registry event, if any
 * @param digest         digest of the registry event, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NotificationEventData(
        String eventId,
        EventType eventType,
        String subscriptionId,
        String deliveryId,
        Channel channel,
        String target,
        Integer attempt,
        Integer statusCode,
        String error,
        String repository,
        String tag,
        String digest) implements PipelineEventData {

    public NotificationEventData {
        Objects.requireNonNull(eventId, "eventId");
        if (repository == null && eventType != null && !eventType.isStorageEvent()) {
            throw new NullPointerException("repository (required after a " + eventType.suffix() + " event)");
        }
    }

    /** How a notification is sent; written in lower case. Unknown channels read as null. */
    public enum Channel {
        @JsonProperty("webhook") WEBHOOK,
        @JsonProperty("slack") SLACK,
        @JsonProperty("email") EMAIL
    }

    /** Starts data about a delivery of {@code event}: copies its id, type, repository, tag and digest. */
    public static Builder following(WharfEvent<?> event) {
        return builder()
                .eventId(event.id())
                .eventType(event.type())
                .repository(event.data().repository())
                .tag(event.data().tag())
                .digest(event.data().digest());
    }

    /** Starts empty data, for producers that hold the registry event's fields themselves. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link NotificationEventData}; {@code eventId} is required, and {@code repository} unless the event
     * followed is a registry-wide storage event.
     */
    public static final class Builder {
        private String eventId;
        private EventType eventType;
        private String subscriptionId;
        private String deliveryId;
        private Channel channel;
        private String target;
        private Integer attempt;
        private Integer statusCode;
        private String error;
        private String repository;
        private String tag;
        private String digest;

        private Builder() {
        }

        public Builder eventId(String eventId) {
            this.eventId = eventId;
            return this;
        }

        public Builder eventType(EventType eventType) {
            this.eventType = eventType;
            return this;
        }

        public Builder subscriptionId(String subscriptionId) {
            this.subscriptionId = subscriptionId;
            return this;
        }

        public Builder deliveryId(String deliveryId) {
            this.deliveryId = deliveryId;
            return this;
        }

        public Builder channel(Channel channel) {
            this.channel = channel;
            return this;
        }

        public Builder target(String target) {
            this.target = target;
            return this;
        }

        public Builder attempt(Integer attempt) {
            this.attempt = attempt;
            return this;
        }

        public Builder statusCode(Integer statusCode) {
            this.statusCode = statusCode;
            return this;
        }

        public Builder error(String error) {
            this.error = error;
            return this;
        }

        public Builder repository(String repository) {
            this.repository = repository;
            return this;
        }

        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        public Builder digest(String digest) {
            this.digest = digest;
            return this;
        }

        public NotificationEventData build() {
            return new NotificationEventData(eventId, eventType, subscriptionId, deliveryId, channel, target,
                    attempt, statusCode, error, repository, tag, digest);
        }
    }
}
