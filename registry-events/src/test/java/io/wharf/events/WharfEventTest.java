package io.wharf.events;

import io.wharf.events.DeploymentEventData.DeployTarget;
import io.wharf.events.NotificationEventData.Channel;
import io.wharf.events.RegistryEventData.Actor;
import io.wharf.events.RegistryEventData.Platform;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WharfEventTest {

    private static final URI REGISTRY = URI.create("/wharf/registry");
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void createdEventHasFreshIdCurrentTimeAndTagAsSubject() {
        RegistryEventData data = RegistryEventData.builder("acme/api", DIGEST).tag("2.0.0").build();

        WharfEvent<RegistryEventData> first = WharfEvent.create(EventType.TAG_CREATED, REGISTRY, data);
        WharfEvent<RegistryEventData> second = WharfEvent.create(EventType.TAG_CREATED, REGISTRY, data);

        assertEquals("2.0.0", first.subject());
        assertNotEquals(first.id(), second.id());
        UUID.fromString(first.id());
        assertTrue(Duration.between(first.time(), OffsetDateTime.now()).abs().toSeconds() < 5);
    }

    @Test
    void subjectIsTheDigestWhenThereIsNoTag() {
        RegistryEventData data = RegistryEventData.builder("acme/api", DIGEST).build();

        assertEquals(DIGEST, WharfEvent.create(EventType.ARTIFACT_DELETED, REGISTRY, data).subject());
    }

    @Test
    void createdEventSurvivesKafkaUnchanged() {
        RegistryEventData data = RegistryEventData.builder("acme/api", DIGEST)
                .tag("2.0.0")
                .mediaType("application/vnd.oci.image.index.v1+json")
                .size(1609L)
                .platforms(List.of(new Platform("linux", "arm", "v7")))
                .project("acme")
                .actor(Actor.robot("robot$acme+ci"))
                .build();
        WharfEvent<RegistryEventData> event = WharfEvent.create(EventType.ARTIFACT_PUSHED, REGISTRY, data);

        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(event);

        assertEquals(event, EventCodec.fromKafka(record.headers(), record.value()));
        assertEquals(event, EventCodec.fromStructuredJson(EventCodec.toStructuredJson(event)));
    }

    @Test
    void dataMustMatchTheType() {
        RegistryEventData data = RegistryEventData.builder("acme/api", DIGEST).build();

        assertThrows(IllegalArgumentException.class,
                () -> WharfEvent.create(EventType.DEPLOYMENT_STARTED, REGISTRY, data));
    }

    @Test
    void anOutcomeNamesARepositoryUnlessItFollowsARegistryWideEvent() {
        OffsetDateTime now = OffsetDateTime.now();
        WharfEvent<StorageEventData> gc = WharfEvent.create(EventType.GC_COMPLETED, REGISTRY, new StorageEventData(null, null, null,
                new StorageEventData.GcRun(UUID.randomUUID().toString(), false, "manual", "completed", 1L, 10L, 0L, now, now),
                Actor.user("admin"), null));
        WharfEvent<NotificationEventData> delivered = WharfEvent.create(EventType.NOTIFICATION_DELIVERED, URI.create("/wharf/notifier"),
                NotificationEventData.following(gc).subscriptionId("s").deliveryId("d").channel(Channel.WEBHOOK).attempt(1).build());

        assertNull(delivered.notificationData().repository());
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(delivered);
        assertEquals(delivered, EventCodec.fromKafka(record.headers(), record.value()));
        assertThrows(NullPointerException.class, () -> NotificationEventData.builder().eventId("e")
                .eventType(EventType.TAG_CREATED).build());
    }

    @Test
    void digestIsRequiredExceptForRepositoryEvents() {
        RegistryEventData noDigest = RegistryEventData.builder("acme/api", null).build();

        assertThrows(IllegalArgumentException.class, () -> WharfEvent.create(EventType.TAG_DELETED, REGISTRY, noDigest));
        assertEquals("acme/api",
                WharfEvent.create(EventType.REPOSITORY_DELETED, REGISTRY, noDigest).registryData().repository());
    }

    @Test
    void typedAccessorRefusesAnotherShape() {
        WharfEvent<?> pushed = GoldenSamples.event(EventType.ARTIFACT_PUSHED);

        assertThrows(IllegalStateException.class, pushed::notificationData);
        assertThrows(IllegalStateException.class, pushed::deploymentData);
    }

    @Test
    void notificationFollowingAnEventCopiesWhatIdentifiesIt() {
        WharfEvent<?> pushed = GoldenSamples.event(EventType.ARTIFACT_PUSHED);

        NotificationEventData data = NotificationEventData.following(pushed)
                .subscriptionId("62c5b811-560f-472f-9988-2a56622f992a")
                .deliveryId("7c10c6e6-f7f1-484b-b09f-2e8de309f04a")
                .channel(Channel.WEBHOOK)
                .target("hooks.acme.example")
                .attempt(1)
                .statusCode(200)
                .build();
        WharfEvent<NotificationEventData> delivered = new WharfEvent<>(
                GoldenSamples.event(EventType.NOTIFICATION_DELIVERED).id(), EventType.NOTIFICATION_DELIVERED,
                URI.create("/wharf/notifier"), "1.4.2", OffsetDateTime.parse("2025-06-03T09:41:28.052Z"), data);

        assertEquals(GoldenSamples.event(EventType.NOTIFICATION_DELIVERED), delivered);
        assertEquals(pushed.id(), delivered.partitionKey());
    }

    @Test
    void deploymentFollowingATagMoveCopiesThePreviousDigest() {
        WharfEvent<?> moved = GoldenSamples.event(EventType.TAG_UPDATED);

        DeploymentEventData data = DeploymentEventData.following(moved)
                .ruleId("efa2115f-ab2e-4fd4-bcd0-3b8681f0cfdc")
                .deploymentId("08a78525-b59d-4509-b9c7-6c17059fb178")
                .target(DeployTarget.kubernetes("api", "production", "api"))
                .image("registry.acme.example/acme/api:latest@" + moved.data().digest())
                .message("Updating container api of deployment production/api")
                .build();

        assertEquals(GoldenSamples.event(EventType.DEPLOYMENT_STARTED).deploymentData(), data);
        assertNull(DeploymentEventData.following(GoldenSamples.event(EventType.TAG_CREATED)).build().previousDigest());
    }
}
