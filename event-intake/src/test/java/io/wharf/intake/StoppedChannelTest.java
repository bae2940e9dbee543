package io.wharf.intake;

import static io.wharf.intake.IntakeProbe.liveness;
import static io.wharf.intake.IntakeProbe.livenessCheck;
import static io.wharf.intake.IntakeProbe.pushed;
import static io.wharf.intake.IntakeProbe.records;
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
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * When the channel itself stops (here: the Kafka connector gives up on a record left unacknowledged
 * longer than its {@code throttled.unprocessed-record-max-age.ms}), the intake's liveness check says
 * DOWN and why, so Kubernetes restarts the service.
 */
@QuarkusTest
@TestProfile(StoppedChannelTest.ImpatientConnector.class)
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_intake_test"))
class StoppedChannelTest {

    /** An instance of its own, whose connector stops the channel after a second without an acknowledgement. */
    public static class ImpatientConnector implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.registry-events.throttled.unprocessed-record-max-age.ms", "1000",
                    "mp.messaging.incoming.registry-events.auto.commit.interval.ms", "300",
                    // The stall check would also fire; this test is about the channel.
                    "wharf.intake.stall-after", "10m");
        }
    }

    @Inject
    IntakeProbe probe;

    @Inject
    RecordingHandler handler;

    @Test
    void goesDownWhenTheChannelStops() {
        assertEquals("UP", livenessCheck(liveness()).get("status"));
        handler.holdAgain();
        WharfEvent<RegistryEventData> held = pushed(RecordingHandler.HELD + "app", "1");
        try {
            probe.send(records(List.of(held)));
            Response down = await("the liveness check to go DOWN").atMost(IntakeProbe.WAIT)
                    .until(IntakeProbe::liveness, r -> "DOWN".equals(livenessCheck(r).get("status")));
            assertEquals(503, down.statusCode());
            assertTrue(String.valueOf(livenessCheck(down).get("data")).contains("the channel stopped"), "says why: " + livenessCheck(down));
        } finally {
            handler.release();
        }
    }
}
