package io.wharf.events;

/** Kafka topic names. Each {@link EventType} is published to exactly one of the first three. */
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
     * The audit log ({@code audit.recorded}, {@link AuditEventData}): who signed in, changed an
     * account, a membership, a robot, a token, a project, a subscription, a target or a rule, who
     * approved a deployment, when retention and garbage collection ran. Every service publishes its
     * own entries here; the registry keeps them all and answers {@code GET /api/v1/audit}.
     * Record key: the entry's project, or {@code "-"} ({@link AuditEventData#partitionKey()}).
     */
    public static final String AUDIT = "wharf.audit";

    /**
     * Dead letters of the notifier: registry events whose deliveries could not be processed.
     * Records keep the original key, headers and value.
     */
    public static final String NOTIFICATIONS_DLQ = "wharf.notifications.dlq";

    /**
     * Dead letters of one consuming service's intake, {@code wharf.<service>.intake-dlq} (for example
     * {@code wharf.notifier.intake-dlq}): registry events it parked because it could not take them in.
     * Records keep the original key, headers and value, plus {@code wharf-*} headers saying where the
     * record was and why it was parked.
     *
     * @param service the service's short name: lower-case letters and digits, dash-separated
     * @throws IllegalArgumentException for any other name
     */
    public static String intakeDeadLetters(String service) {
        if (service == null || !service.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a service name is lower-case letters and digits, dash-separated: '" + service + "'");
        }
        return "wharf." + service + ".intake-dlq";
    }

    private Topics() {
    }
}
