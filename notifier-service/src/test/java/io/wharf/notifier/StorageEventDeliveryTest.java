package io.wharf.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.StorageEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;

/**
 * Quota and GC events as subscribers see them: delivered only to subscriptions that name their type,
 * a quota event within its project's scope, a GC run only to global subscriptions.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class StorageEventDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static Map<String, Object> webhook(String scope, String project, Receiver receiver, List<String> types) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "storage", "scope", scope, "channel", "WEBHOOK",
                "url", receiver.url("/hook"), "payloadFormat", "CLOUDEVENTS_STRUCTURED"));
        if (project != null) {
            body.put("project", project);
        }
        if (types != null) {
            body.put("eventTypes", types);
        }
        return body;
    }

    private static WharfEvent<StorageEventData> quotaExceeded(String project) {
        return WharfEvent.create(EventType.QUOTA_EXCEEDED, URI.create("/wharf/registry"), new StorageEventData(project, project + "/api",
                new StorageEventData.Quota("storage", 9_000L, 10_000L, 2_000L, 90), null,
                RegistryEventData.Actor.user("alice"), null));
    }

    private static WharfEvent<StorageEventData> gcCompleted() {
        OffsetDateTime now = OffsetDateTime.now();
        return WharfEvent.create(EventType.GC_COMPLETED, URI.create("/wharf/registry"), new StorageEventData(null, null, null,
                new StorageEventData.GcRun(UUID.randomUUID().toString(), false, "manual", "completed", 3L, 3L * 1024 * 1024, 0L,
                        now.minusSeconds(2), now), RegistryEventData.Actor.user("admin"), null));
    }

    private static boolean hasDeliveryOf(String subscriptionId, WharfEvent<?> event) {
        return Api.deliveries(subscriptionId).stream().anyMatch(d -> event.id().equals(d.get("eventId")));
    }

    @Test
    void quotaEventsReachOnlyTheSubscriptionsOfTheirProjectThatAskForThem() throws Exception {
        try (Receiver asked = Receiver.start(); Receiver unasked = Receiver.start(); Receiver elsewhere = Receiver.start()) {
            String project = Api.project("quota");
            String other = Api.project("other");
            JsonPath wants = Api.create(webhook("PROJECT", project, asked, List.of("quota.exceeded", "quota.warning")));
            JsonPath pushesOnly = Api.create(webhook("PROJECT", project, unasked, null));
            JsonPath otherProject = Api.create(webhook("PROJECT", other, elsewhere, List.of("quota.exceeded")));

            WharfEvent<StorageEventData> event = quotaExceeded(project);
            Kafka.publish(bootstrapServers, event);

            Receiver.Request request = await().atMost(WAIT).until(asked::requests, l -> !l.isEmpty()).get(0);
            WharfEvent<?> received = EventCodec.fromStructuredJson(request.body());
            assertEquals(event.id(), received.id());
            assertEquals(90, received.storageData().quota().percent());
            Api.awaitDeliveries(wants.getString("id"), 1, "DELIVERED");
            // Deliveries of one event are planned for all subscriptions in one transaction: the others had their chance.
            assertTrue(!hasDeliveryOf(pushesOnly.getString("id"), event), "a subscription that names no types is not sent quota events");
            assertTrue(!hasDeliveryOf(otherProject.getString("id"), event), "another project's subscription is not sent it");
            assertTrue(unasked.requests().isEmpty() && elsewhere.requests().isEmpty());
        }
    }

    @Test
    void gcRunsReachGlobalSubscriptionsOnly() throws Exception {
        try (Receiver global = Receiver.start(); Receiver projectScoped = Receiver.start()) {
            String project = Api.project("gc");
            JsonPath all = Api.create(webhook("GLOBAL", null, global, List.of("gc.completed")));
            JsonPath mine = Api.create(webhook("PROJECT", project, projectScoped, List.of("gc.completed")));

            WharfEvent<StorageEventData> event = gcCompleted();
            Kafka.publish(bootstrapServers, event);

            Receiver.Request request = await().atMost(WAIT).until(global::requests, l -> l.stream()
                    .anyMatch(r -> r.body().contains(event.id()))).stream().filter(r -> r.body().contains(event.id())).findFirst().orElseThrow();
            assertEquals(3L, EventCodec.fromStructuredJson(request.body()).storageData().gc().blobsDeleted());
            Map<String, Object> delivery = Api.awaitDeliveries(all.getString("id"), 1, "DELIVERED").get(0);
            assertEquals(null, delivery.get("repository"));
            // Its outcome is published like any other, naming no repository (it once failed to build, and stopped the sweep).
            WharfEvent<?> outcome = EventCodec.fromKafka(Kafka.awaitRecord(bootstrapServers, Topics.PIPELINE_EVENTS,
                    r -> event.id().equals(r.key())));
            assertEquals(EventType.NOTIFICATION_DELIVERED, outcome.type());
            assertEquals(EventType.GC_COMPLETED, outcome.notificationData().eventType());
            assertEquals(null, outcome.notificationData().repository());
            assertTrue(!hasDeliveryOf(mine.getString("id"), event), "a project's subscription is not sent registry-wide events");
            Api.delete(all.getString("id"));
        }
    }
}
