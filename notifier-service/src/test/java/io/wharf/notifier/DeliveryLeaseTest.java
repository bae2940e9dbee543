package io.wharf.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.delivery.DeliveryPlanner;
import io.wharf.notifier.delivery.DeliveryWorker;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Database;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;

/** A delivery cut off mid-request (its notifier died) delays only itself: the lease covers only what is sent. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class DeliveryLeaseTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    DeliveryWorker worker;

    @Test
    void aDeliveryCutOffMidRequestDelaysOnlyItself() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            String project = Api.project("cutoff");
            JsonPath sub = Api.create(Map.of("name", "hook", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                    "url", receiver.url("/hook"), "payloadFormat", "COMPACT"));
            String id = sub.getString("id");
            // Held back (as if paused by the target) until the dying instance has taken its attempt.
            Database.update("UPDATE notifier.subscription SET paused_until = now() + interval '1 hour' WHERE id = ?::uuid", id);
            List<WharfEvent<RegistryEventData>> events = List.of(Api.pushed(project + "/api", "1"),
                    Api.pushed(project + "/api", "2"), Api.pushed(project + "/api", "3"));
            Kafka.publish(bootstrapServers, events.toArray(WharfEvent<?>[]::new));
            Api.awaitDeliveries(id, 3, "PENDING");

            // An instance takes its next attempt and dies before any answer: its lease (10 s here) must hold only that one.
            List<UUID> cutOff = worker.leaseAsAnAttemptWould(UUID.fromString(id)).await().atMost(Duration.ofSeconds(10));
            assertEquals(List.of(DeliveryPlanner.deliveryId(events.get(0).id(), UUID.fromString(id))), cutOff,
                    "an attempt leases the one delivery it sends");
            Database.update("UPDATE notifier.subscription SET paused_until = NULL WHERE id = ?::uuid", id);

            // The others go out well within the cut-off one's lease.
            List<Receiver.Request> first = await("the deliveries not cut off").atMost(Duration.ofSeconds(5))
                    .until(receiver::requests, list -> list.size() >= 2);
            Set<String> sent = first.stream().map(r -> new JsonPath(r.body()).getString("tag")).collect(Collectors.toSet());
            assertFalse(sent.contains("1"), "the cut-off delivery waits for its lease: " + sent);
            assertEquals(Set.of("2", "3"), sent);

            // And the cut-off one goes out once its lease has run out.
            Api.awaitDeliveries(id, 3, "DELIVERED");
            assertEquals(3, receiver.requests().size());
        }
    }
}
