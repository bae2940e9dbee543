package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event type Wharf emits, with its CloudEvents {@code type} string, its topic (one of
 * {@link Topics#REGISTRY_EVENTS}, {@link Topics#PIPELINE_EVENTS}, {@link Topics#AUDIT}) and the
 * record its {@code data} is read into. Type strings never change meaning: a breaking change
 * to a shape gets a new type.
 *
 * <p>In JSON (for example {@link NotificationEventData#eventType()}) a type is written as its
 * CloudEvents type string.
 */
public enum EventType {

    /** A manifest (image, index or artifact) was stored in a repository. */
    ARTIFACT_PUSHED("artifact.pushed", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A manifest was pulled; {@link RegistryEventData#count()} may aggregate several pulls. */
    ARTIFACT_PULLED("artifact.pulled", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /**
     * A proxy project stored a manifest its upstream registry provided, on the first pull that asked for it
     * ({@link RegistryEventData#actor()} is the puller). Stored content, as a push's, but no push.
     */
    ARTIFACT_CACHED("artifact.cached", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A manifest was deleted from a repository. */
    ARTIFACT_DELETED("artifact.deleted", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A tag that did not exist now points at a manifest. */
    TAG_CREATED("tag.created", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** An existing tag moved; {@link RegistryEventData#previousDigest()} says from where. */
    TAG_UPDATED("tag.updated", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A tag was removed; {@link RegistryEventData#digest()} is where it pointed. */
    TAG_DELETED("tag.deleted", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A repository came into existence (usually by its first push). */
    REPOSITORY_CREATED("repository.created", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A repository and everything in it was deleted. */
    REPOSITORY_DELETED("repository.deleted", Topics.REGISTRY_EVENTS, RegistryEventData.class),
    /** A notification about a registry event reached its target. */
    NOTIFICATION_DELIVERED("notification.delivered", Topics.PIPELINE_EVENTS, NotificationEventData.class),
    /** A notification about a registry event was given up on. */
    NOTIFICATION_FAILED("notification.failed", Topics.PIPELINE_EVENTS, NotificationEventData.class),
    /** A deploy rule matched and its target is being updated. */
    DEPLOYMENT_STARTED("deployment.started", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /** The target runs the new image. */
    DEPLOYMENT_SUCCEEDED("deployment.succeeded", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /** The target could not be updated. */
    DEPLOYMENT_FAILED("deployment.failed", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /** The target was put back on {@link DeploymentEventData#previousDigest()}. */
    DEPLOYMENT_ROLLEDBACK("deployment.rolledback", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /**
     * A deploy rule matched but decided not to apply the push: the rule is on hold or disabled, or the tag is a lower
     * version than the rule deployed last; {@link DeploymentEventData#message()} says which. The target is untouched.
     */
    DEPLOYMENT_SKIPPED("deployment.skipped", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /** A deployment that had not started gave way to a newer push for the same rule (latest wins); never applied. */
    DEPLOYMENT_SUPERSEDED("deployment.superseded", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /**
     * A dry-run rule's plan: the target would be moved from {@link DeploymentEventData#previousDigest()} to
     * {@link DeploymentEventData#digest()}; nothing was applied.
     */
    DEPLOYMENT_PLANNED("deployment.planned", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /** A person rejected a deployment awaiting approval (or waiting); never applied. */
    DEPLOYMENT_REJECTED("deployment.rejected", Topics.PIPELINE_EVENTS, DeploymentEventData.class),
    /** A push brought a project's usage past its quota's warning threshold; see {@link StorageEventData#quota()}. */
    QUOTA_WARNING("quota.warning", Topics.REGISTRY_EVENTS, StorageEventData.class),
    /** A push was refused because it would exceed its project's quota. */
    QUOTA_EXCEEDED("quota.exceeded", Topics.REGISTRY_EVENTS, StorageEventData.class),
    /** A garbage-collection run ended (completed, stopped or failed); see {@link StorageEventData#gc()}. */
    GC_COMPLETED("gc.completed", Topics.REGISTRY_EVENTS, StorageEventData.class),
    /** An entry of the audit log: someone (or the system) did something worth recording; see {@link AuditEventData}. */
    AUDIT_RECORDED("audit.recorded", Topics.AUDIT, AuditEventData.class);

    /** Prefix shared by every Wharf CloudEvents type. */
    public static final String TYPE_PREFIX = "io.wharf.";

    private static final Map<String, EventType> BY_TYPE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::cloudEventType, Function.identity()));

    private final String suffix;
    private final String topic;
    private final Class<? extends EventData> dataType;

    EventType(String suffix, String topic, Class<? extends EventData> dataType) {
        this.suffix = suffix;
        this.topic = topic;
        this.dataType = dataType;
    }

    /** The CloudEvents {@code type} attribute, e.g. {@code io.wharf.artifact.pushed}. */
    @JsonValue
    public String cloudEventType() {
        return TYPE_PREFIX + suffix;
    }

    /** The type without {@link #TYPE_PREFIX}, e.g. {@code artifact.pushed}; names golden samples. */
    public String suffix() {
        return suffix;
    }

    /** The topic events of this type are published to. */
    public String topic() {
        return topic;
    }

    /** The record this type's {@code data} is read into. */
    public Class<? extends EventData> dataType() {
        return dataType;
    }

    /** True for registry facts (published to {@link Topics#REGISTRY_EVENTS}), false for pipeline outcomes and audit entries. */
    public boolean isRegistryEvent() {
        return dataType == RegistryEventData.class;
    }

    /** True for storage lifecycle events ({@code quota.*}, {@code gc.*}; published to {@link Topics#REGISTRY_EVENTS}). */
    public boolean isStorageEvent() {
        return dataType == StorageEventData.class;
    }

    /** True for audit entries (published to {@link Topics#AUDIT}). */
    public boolean isAuditEvent() {
        return dataType == AuditEventData.class;
    }

    /**
     * True for {@code deployment.*} outcomes after which a target may run the deployment's {@code digest} or
     * {@code previousDigest} (started, succeeded, failed, rolledback); false for those that never touched a
     * target (skipped, superseded, planned, rejected) and for every other type.
     */
    public boolean touchedTarget() {
        return this == DEPLOYMENT_STARTED || this == DEPLOYMENT_SUCCEEDED || this == DEPLOYMENT_FAILED
                || this == DEPLOYMENT_ROLLEDBACK;
    }

    /** True for outcomes that follow a registry event (published to {@link Topics#PIPELINE_EVENTS}). */
    public boolean isPipelineEvent() {
        return PipelineEventData.class.isAssignableFrom(dataType);
    }

    /**
     * True when events of this type must name a manifest digest: every registry event except
     * {@code repository.*}, which may concern a repository holding no single manifest.
     */
    public boolean requiresDigest() {
        return isRegistryEvent() && this != REPOSITORY_CREATED && this != REPOSITORY_DELETED;
    }

    /** Finds the type with this CloudEvents type string; empty for types this version does not know. */
    public static Optional<EventType> find(String cloudEventType) {
        return Optional.ofNullable(cloudEventType).map(BY_TYPE::get);
    }

    /**
     * The type with this CloudEvents type string.
     *
     * @throws IllegalArgumentException if the type is unknown
     */
    public static EventType fromCloudEventType(String cloudEventType) {
        return find(cloudEventType)
                .orElseThrow(() -> new IllegalArgumentException("Unknown event type: " + cloudEventType));
    }

    /** JSON reading: unknown type strings read as {@code null}, so newer writers do not break older readers. */
    @JsonCreator
    static EventType fromJson(String cloudEventType) {
        return find(cloudEventType).orElse(null);
    }
}
