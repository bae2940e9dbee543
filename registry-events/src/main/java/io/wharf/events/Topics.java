package io.wharf.events;

/** Kafka topic names. Each {@link EventType} is published to exactly one of the first two. */
public final class Topics {

    /**
     * Registry facts ({@code artifact.*}, {@code tag.*}, {@code repository.*}).
     * Record key: the full repository name, so one repository's events stay in order.
     */
    public static final String REGISTRY_EVENTS = "wharf.registry.events";

    /**
     * Outcomes that follow a registry event ({@code notification.*}, {@code deployment.*}).
     * Record key: the id of the registry event they follow, so one trace stays in order.
     */
    public static final String PIPELINE_EVENTS = "wharf.pipeline.events";

    /**
     * Dead letters of the notifier: registry events whose deliveries could not be processed.
     * Records keep the original key, headers and value.
     */
    public static final String NOTIFICATIONS_DLQ = "wharf.notifications.dlq";

    private Topics() {
    }
}
