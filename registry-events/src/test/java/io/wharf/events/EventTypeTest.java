package io.wharf.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventTypeTest {

    @Test
    void typeStringsAreTheOnesTheDesignLists() {
        Set<String> types = Arrays.stream(EventType.values()).map(EventType::cloudEventType).collect(Collectors.toSet());

        assertEquals(Set.of(
                "io.wharf.artifact.pushed", "io.wharf.artifact.pulled", "io.wharf.artifact.cached", "io.wharf.artifact.deleted",
                "io.wharf.tag.created", "io.wharf.tag.updated", "io.wharf.tag.deleted",
                "io.wharf.repository.created", "io.wharf.repository.deleted",
                "io.wharf.notification.delivered", "io.wharf.notification.failed",
                "io.wharf.deployment.started", "io.wharf.deployment.succeeded",
                "io.wharf.deployment.failed", "io.wharf.deployment.rolledback",
                "io.wharf.deployment.skipped", "io.wharf.deployment.superseded",
                "io.wharf.deployment.planned", "io.wharf.deployment.rejected",
                "io.wharf.audit.recorded",
                "io.wharf.quota.warning", "io.wharf.quota.exceeded", "io.wharf.gc.completed"), types);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void lookupByTypeStringFindsTheConstant(EventType type) {
        assertEquals(Optional.of(type), EventType.find(type.cloudEventType()));
        assertEquals(type, EventType.fromCloudEventType(type.cloudEventType()));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void registryEventsGoToTheRegistryTopicOutcomesToThePipelineTopicAndAuditEntriesToTheAuditTopic(EventType type) {
        boolean registryFamily = type.cloudEventType().matches("io\\.wharf\\.(artifact|tag|repository)\\..+");
        boolean auditFamily = type.cloudEventType().startsWith("io.wharf.audit.");
        boolean storageFamily = type.cloudEventType().matches("io\\.wharf\\.(quota|gc)\\..+");

        assertEquals(registryFamily, type.isRegistryEvent());
        assertEquals(auditFamily, type.isAuditEvent());
        assertEquals(storageFamily, type.isStorageEvent());
        assertEquals(!registryFamily && !auditFamily && !storageFamily, type.isPipelineEvent());
        assertEquals(registryFamily || storageFamily ? Topics.REGISTRY_EVENTS : auditFamily ? Topics.AUDIT : Topics.PIPELINE_EVENTS, type.topic());
        assertTrue(type.cloudEventType().endsWith(type.suffix()));
    }

    @Test
    void unknownTypeStringIsNotFound() {
        assertEquals(Optional.empty(), EventType.find("io.wharf.artifact.scanned"));
        assertEquals(Optional.empty(), EventType.find(null));
        assertThrows(IllegalArgumentException.class, () -> EventType.fromCloudEventType("artifact.pushed"));
    }

    @Test
    void topicNames() {
        assertEquals("wharf.registry.events", Topics.REGISTRY_EVENTS);
        assertEquals("wharf.pipeline.events", Topics.PIPELINE_EVENTS);
        assertEquals("wharf.notifications.dlq", Topics.NOTIFICATIONS_DLQ);
        assertEquals("wharf.audit", Topics.AUDIT);
    }

    @Test
    void onlyDeploymentsThatReachedTheTargetTouchedIt() {
        Set<EventType> touched = Arrays.stream(EventType.values()).filter(EventType::touchedTarget).collect(Collectors.toSet());

        assertEquals(Set.of(EventType.DEPLOYMENT_STARTED, EventType.DEPLOYMENT_SUCCEEDED, EventType.DEPLOYMENT_FAILED,
                EventType.DEPLOYMENT_ROLLEDBACK), touched);
    }
}
