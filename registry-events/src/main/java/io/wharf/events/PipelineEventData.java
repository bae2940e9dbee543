package io.wharf.events;

/** Data of an outcome ({@code notification.*}, {@code deployment.*}) that follows one registry event. */
public sealed interface PipelineEventData extends EventData permits NotificationEventData, DeploymentEventData {

    /** Id of the registry event this outcome follows; also the Kafka record key. Never null. */
    String eventId();
}
