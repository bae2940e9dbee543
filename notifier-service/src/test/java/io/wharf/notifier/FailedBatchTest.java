package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Await;
import io.wharf.notifier.support.Database;

/**
 * A batch whose intake fails is not acknowledged: the consumer stops and reports it, its offset is not
 * committed (Kafka delivers the batch again when the service restarts) and nothing of it is recorded.
 */
@QuarkusTest
@TestProfile(FailedBatchTest.OwnInstance.class)
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class FailedBatchTest {

    /** An instance of its own: the failure stops its consumer, which the other tests need running. */
    public static class OwnInstance implements QuarkusTestProfile {
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "mp.messaging.incoming.registry-events.group.id")
    String groupId;

    private static Map<String, Object> intake(Response readiness) {
        return readiness.jsonPath().getMap("checks.find { it.name == 'registry-events intake' }.data");
    }

    @Test
    void aBatchWhoseIntakeFailsIsNotAcknowledged() {
        String project = Api.project("failing");
        WharfEvent<RegistryEventData> first = Api.pushed(project + "/api", "1");
        KafkaTraffic.burst(bootstrapServers, List.of(EventCodec.toProducerRecord(first)));
        Await.until("the first event taken in", WAIT, () -> first.id().equals(intake(given().get("/q/health/ready")).get("lastEventId")));
        KafkaTraffic.awaitCommitted(bootstrapServers, groupId, Topics.REGISTRY_EVENTS, WAIT);
        Map<Integer, Long> committed = KafkaTraffic.committed(bootstrapServers, groupId, Topics.REGISTRY_EVENTS);

        Database.update("ALTER TABLE notifier.received_event RENAME TO received_event_away");
        try {
            WharfEvent<RegistryEventData> second = Api.pushed(project + "/api", "2");
            KafkaTraffic.burst(bootstrapServers, List.of(EventCodec.toProducerRecord(second)));

            Response down = Await.until("the consumer to report the failed batch", WAIT, () -> given().get("/q/health/ready"),
                    r -> r.statusCode() == 503 && r.asString().contains("RegistryEventConsumer#consume"));
            assertEquals(first.id(), intake(down).get("lastEventId"), "nothing of the failed batch was taken in");
            assertEquals(committed, KafkaTraffic.committed(bootstrapServers, groupId, Topics.REGISTRY_EVENTS),
                    "the failed batch's offset was not committed");
        } finally {
            Database.update("ALTER TABLE notifier.received_event_away RENAME TO received_event");
        }
    }
}
