package io.wharf.intake;

import static io.wharf.intake.IntakeProbe.awaitTakenIn;
import static io.wharf.intake.IntakeProbe.intake;
import static io.wharf.intake.IntakeProbe.pushed;
import static io.wharf.intake.IntakeProbe.readiness;
import static io.wharf.intake.IntakeProbe.repository;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * A batch whose handler fails is not acknowledged: the consumer stops and its readiness says so, the
 * batch's offset is not committed (Kafka delivers the batch again when the service restarts), and
 * nothing of it is recorded, neither its ids nor what the handler wrote before it failed.
 */
@QuarkusTest
@TestProfile(FailedBatchTest.OwnInstance.class)
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_intake_test"))
class FailedBatchTest {

    /** An instance of its own: the failure stops its consumer, which the other tests need running. */
    public static class OwnInstance implements QuarkusTestProfile {
    }

    @Inject
    IntakeProbe probe;

    @Test
    void aBatchWhoseHandlerFailsIsNotAcknowledged() {
        WharfEvent<RegistryEventData> first = pushed(repository("fine"), "1");
        probe.send(List.of(EventCodec.toProducerRecord(first)));
        awaitTakenIn(first.id());
        probe.awaitCommitted();
        Map<Integer, Long> committed = probe.committedOffsets();

        WharfEvent<RegistryEventData> refused = pushed(RecordingHandler.REFUSED + "app", "2");
        probe.send(List.of(EventCodec.toProducerRecord(refused)));

        Response down = await("the consumer to report the failed batch").atMost(IntakeProbe.WAIT).until(IntakeProbe::readiness,
                r -> r.statusCode() == 503 && r.asString().contains("RegistryEventConsumer#consume"));
        assertEquals(first.id(), intake(down).get("lastEventId"), "nothing of the failed batch was taken in");
        assertEquals(committed, probe.committedOffsets(),
                "the failed batch's offset was not committed");
        assertEquals(0, probe.rows("received_event", List.of(refused.id())), "its id was not recorded");
        assertEquals(0, probe.rows("handled_event", List.of(refused.id())), "what the handler wrote rolled back");
        assertTrue(probe.committedBatches().stream().noneMatch(batch -> batch.contains(refused.id())),
                "the handler's follow-up did not run");
        assertEquals(503, readiness().statusCode(), "and the consumer stays down");
    }
}
