package io.wharf.intake;

import static io.wharf.intake.IntakeProbe.liveness;
import static io.wharf.intake.IntakeProbe.livenessCheck;
import static io.wharf.intake.IntakeProbe.pushed;
import static io.wharf.intake.IntakeProbe.readiness;
import static io.wharf.intake.IntakeProbe.records;
import static io.wharf.intake.IntakeProbe.repository;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * The intake's liveness check goes DOWN when records wait and the intake takes none in for longer than
 * {@code wharf.intake.stall-after} (2 s in the test application), so Kubernetes would restart the
 * service, and UP again once it moves; while idle, with nothing waiting, it stays UP however long.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_intake_test"))
class IntakeHealthTest {

    private static final Duration STALL_AFTER = Duration.ofSeconds(2);

    @Inject
    IntakeProbe probe;

    @Inject
    RecordingHandler handler;

    @Test
    void goesDownWhileRecordsWaitOnAStalledIntakeAndUpOnceItMoves() {
        WharfEvent<RegistryEventData> warm = pushed(repository("idle"), "1");
        probe.send(records(List.of(warm)));
        IntakeProbe.awaitTakenIn(warm.id());
        probe.awaitCommitted();
        await("nothing waiting").atMost(IntakeProbe.WAIT).until(() -> lag(liveness()) == 0L);
        await("UP all the while it idles for longer than stall-after").during(STALL_AFTER.plusMillis(500))
                .atMost(STALL_AFTER.multipliedBy(3)).until(() -> "UP".equals(livenessCheck(liveness()).get("status")));

        handler.holdAgain();
        WharfEvent<RegistryEventData> held = pushed(RecordingHandler.HELD + "app", "1");
        try {
            probe.send(records(List.of(held)));
            long sent = System.nanoTime();
            Response down = await("the liveness check to go DOWN").atMost(IntakeProbe.WAIT)
                    .until(IntakeProbe::liveness, r -> "DOWN".equals(livenessCheck(r).get("status")));
            Duration after = Duration.ofNanos(System.nanoTime() - sent);
            assertEquals(503, down.statusCode(), "the liveness probe fails");
            Map<String, Object> check = livenessCheck(down);
            assertTrue(String.valueOf(check.get("data")).contains("waited"), "says why: " + check);
            assertTrue(after.compareTo(STALL_AFTER) >= 0, "not before stall-after: " + after);
            assertTrue(lag(down) >= 1, "a record waits: " + check);
            assertEquals(200, readiness().statusCode(), "still ready: the API stays reachable");
        } finally {
            handler.release();
        }

        IntakeProbe.awaitTakenIn(held.id());
        await("the liveness check to come UP again").atMost(IntakeProbe.WAIT)
                .until(() -> "UP".equals(livenessCheck(liveness()).get("status")));
        assertEquals(200, liveness().statusCode());
    }

    @SuppressWarnings("unchecked")
    private static Long lag(Response liveness) {
        Object lag = ((Map<String, Object>) livenessCheck(liveness).get("data")).get("lag");
        return lag == null ? null : ((Number) lag).longValue();
    }
}
