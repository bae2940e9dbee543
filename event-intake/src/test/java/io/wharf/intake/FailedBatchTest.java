package io.wharf.intake;

import static io.restassured.RestAssured.given;
import static io.wharf.intake.IntakeProbe.ids;
import static io.wharf.intake.IntakeProbe.livenessCheck;
import static io.wharf.intake.IntakeProbe.pushed;
import static io.wharf.intake.IntakeProbe.readiness;
import static io.wharf.intake.IntakeProbe.records;
import static io.wharf.intake.IntakeProbe.repository;
import static io.wharf.intake.IntakeProbe.taken;
import static io.wharf.problem.ProblemAssertions.problem;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.access.testing.RegistryStandIn;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * A batch whose intake fails never stops the consumer: it is retried with backoff, then its events are
 * taken in one at a time, so only the event that fails on its own (the handler refuses it: a poison
 * event) is parked, as a row and on the dead-letter topic, and the good events around it and after it
 * are taken in within seconds. Nothing of a failed attempt is kept (the handler's writes roll back), a
 * failure that passes is retried without parking anything, and a parked event is replayed through the
 * API (system administrators only) and then taken in once.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_intake_test"))
@QuarkusTestResource(RegistryStandIn.class)
class FailedBatchTest {

    /** How soon the events after a poison event must be taken in. */
    private static final Duration SOON = Duration.ofSeconds(20);
    /** wharf.intake.retry.max-attempts of the test application. */
    private static final int BATCH_ATTEMPTS = 3;

    @Inject
    IntakeProbe probe;

    @Inject
    RecordingHandler handler;

    @Test
    void aPoisonEventIsParkedAndTheConsumerKeepsGoing() {
        WharfEvent<RegistryEventData> poison = pushed(RecordingHandler.REFUSED + "p-" + UUID.randomUUID().toString().substring(0, 8), "bad");
        WharfEvent<RegistryEventData> before = pushed(repository("before"), "1");
        WharfEvent<RegistryEventData> after = pushed(repository("after"), "2");
        long taken = taken();

        probe.send(records(List.of(before, poison, after)));
        await("the good events of the poison event's batch").atMost(SOON)
                .until(() -> probe.rows("received_event", ids(List.of(before, after))) == 2);
        WharfEvent<RegistryEventData> next = pushed(repository("next"), "3");
        probe.send(records(List.of(next)));
        await("the next batch's event").atMost(SOON).until(() -> probe.rows("received_event", List.of(next.id())) == 1);

        assertEquals(taken + 3, taken(), "the three good events, not the poison one");
        assertEquals(0, probe.rows("received_event", List.of(poison.id())), "the poison event was not taken in");
        assertEquals(0, probe.rows("handled_event", List.of(poison.id())), "what the handler wrote for it rolled back");
        assertEquals(3, probe.rows("handled_event", ids(List.of(before, after, next))), "each good event handled once");
        assertTrue(probe.committedBatches().stream().noneMatch(batch -> batch.contains(poison.id())), "no follow-up ran for it");

        List<Map<String, Object>> parked = probe.parkedRows(poison.id());
        assertEquals(1, parked.size(), "one row");
        Map<String, Object> row = parked.get(0);
        assertEquals("parked", row.get("state"));
        assertEquals(BATCH_ATTEMPTS + 1, row.get("attempts"), "the batch's attempts and its own");
        assertEquals(IllegalStateException.class.getName(), row.get("error_class"));
        assertTrue(((String) row.get("error_message")).contains("the handler refuses"), "the error: " + row.get("error_message"));
        assertFalse(((String) row.get("error_message")).contains("hunter2"), "credentials masked: " + row.get("error_message"));
        assertEquals(poison.data().repository(), row.get("record_key"));
        assertEquals(IntakeProbe.REGISTRY_TOPIC, row.get("record_topic"));
        assertEquals(poison.id(), EventCodec.fromStructuredJson((String) row.get("event_json")).id());

        ConsumerRecord<String, byte[]> dead = probe.awaitDeadLetters(poison.id()).get(0);
        assertEquals(poison.data().repository(), dead.key(), "the original key");
        assertEquals(poison, EventCodec.fromKafka(dead), "the original event");
        assertEquals(row.get("id").toString(), header(dead, "wharf-parked-id"));
        assertEquals(row.get("record_offset").toString(), header(dead, "wharf-original-offset"));
        assertEquals(Integer.toString(BATCH_ATTEMPTS + 1), header(dead, "wharf-attempts"));
        assertEquals(IllegalStateException.class.getName(), header(dead, "wharf-error-class"));

        readiness().then().statusCode(200).body("status", equalTo("UP"));
        assertEquals("UP", livenessCheck(IntakeProbe.liveness()).get("status"), "the intake is alive");
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("wharf_intake_events_parked_total"), "parked events are counted");
        assertTrue(metrics.contains("wharf_intake_events_retried_total"), "retried events are counted");
        assertTrue(metrics.contains("wharf_intake_events_taken_total"), "taken events are counted");
        assertTrue(metrics.contains("wharf_intake_lag"), "the lag is a gauge");
    }

    @Test
    void aBatchThatFailsForAWhileIsRetriedAndTakenInWhole() {
        WharfEvent<RegistryEventData> flaky = pushed(RecordingHandler.FLAKY + "f-" + UUID.randomUUID().toString().substring(0, 8), "1");
        WharfEvent<RegistryEventData> other = pushed(repository("beside-flaky"), "1");

        probe.send(records(List.of(flaky, other)));
        await("both events").atMost(SOON).until(() -> probe.rows("received_event", ids(List.of(flaky, other))) == 2);

        assertTrue(probe.parkedRows(flaky.id()).isEmpty(), "nothing parked");
        assertTrue(probe.parkedRows(other.id()).isEmpty(), "nothing parked");
        assertEquals(2, probe.rows("handled_event", ids(List.of(flaky, other))), "the failed attempts' writes rolled back");
    }

    @Test
    void aParkedEventIsReplayedThroughTheApiByAnAdministratorAndTakenInOnce() {
        String repository = RecordingHandler.REFUSED + "r-" + UUID.randomUUID().toString().substring(0, 8);
        WharfEvent<RegistryEventData> poison = pushed(repository, "bad");
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(poison);
        probe.send(List.of(record));
        await("the event parked").atMost(SOON).until(() -> !probe.parkedRows(poison.id()).isEmpty());
        long id = ((Number) probe.parkedRows(poison.id()).get(0).get("id")).longValue();
        String replay = "/api/v1/intake/parked/" + id + "/replay";

        problem(given().get("/api/v1/intake/parked").then(), 401, "UNAUTHORIZED");
        problem(given().post(replay).then(), 401, "UNAUTHORIZED");
        problem(given().auth().oauth2(Tokens.user("mallory")).get("/api/v1/intake/parked").then(), 403, "FORBIDDEN");
        problem(given().auth().oauth2(Tokens.user("mallory")).post(replay).then(), 403, "FORBIDDEN");
        assertEquals(0, probe.rows("received_event", List.of(poison.id())), "refused callers replayed nothing");

        JsonPath list = given().auth().oauth2(Tokens.admin()).queryParam("state", "parked").get("/api/v1/intake/parked")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(id, list.getLong("[0].id"), "newest first");
        assertEquals(poison.id(), list.getString("[0].eventId"));
        assertEquals(poison.id(), list.getString("[0].event.id"), "the event itself");
        assertEquals("parked", list.getString("[0].state"));
        List<Long> ids = list.getList("id", Long.class);
        assertEquals(ids.stream().sorted(java.util.Comparator.reverseOrder()).toList(), ids, "ordered newest first");

        problem(given().auth().oauth2(Tokens.admin()).post(replay).then(), 409, "REPLAY_FAILED")
                .body("detail", containsString(IllegalStateException.class.getName()))
                .body("detail", not(containsString("hunter2")));
        Map<String, Object> row = probe.parkedRows(poison.id()).get(0);
        assertEquals("parked", row.get("state"), "still parked");
        assertEquals(BATCH_ATTEMPTS + 2, row.get("attempts"), "the failed replay counted");
        assertEquals(0, probe.rows("received_event", List.of(poison.id())));

        handler.fix(repository);
        long taken = taken();
        given().auth().oauth2(Tokens.admin()).post(replay).then().statusCode(200)
                .body("state", equalTo("replayed"))
                .body("replayedAt", org.hamcrest.Matchers.notNullValue());
        assertEquals(taken + 1, taken(), "taken in by the replay");
        assertEquals(1, probe.rows("received_event", List.of(poison.id())));
        assertEquals(1, probe.rows("handled_event", List.of(poison.id())));
        await("its follow-up").atMost(SOON).until(() -> probe.handed(List.of(poison.id())).size() == 1);

        problem(given().auth().oauth2(Tokens.admin()).post(replay).then(), 409, "CONFLICT");
        probe.send(List.of(record));
        probe.awaitCommitted();
        assertEquals(taken + 1, taken(), "the record delivered again took in nothing");
        assertEquals(1, probe.rows("handled_event", List.of(poison.id())), "and handed the handler nothing again");
        assertEquals("replayed", probe.parkedRows(poison.id()).get(0).get("state"));
        given().auth().oauth2(Tokens.admin()).queryParam("state", "replayed").get("/api/v1/intake/parked")
                .then().statusCode(200).body("eventId", org.hamcrest.Matchers.hasItem(poison.id()));
    }

    @Test
    void refusesBadParametersWithAProblemAndChangesNothing() {
        String admin = Tokens.admin();
        problem(given().auth().oauth2(admin).queryParam("limit", 0).get("/api/v1/intake/parked").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("limit"));
        problem(given().auth().oauth2(admin).queryParam("limit", 201).get("/api/v1/intake/parked").then(), 400, "INVALID_REQUEST");
        problem(given().auth().oauth2(admin).queryParam("limit", "lots").get("/api/v1/intake/parked").then(), 400, "INVALID_REQUEST");
        problem(given().auth().oauth2(admin).queryParam("state", "lost").get("/api/v1/intake/parked").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("state"));
        problem(given().auth().oauth2(admin).post("/api/v1/intake/parked/x/replay").then(), 400, "INVALID_REQUEST");
        problem(given().auth().oauth2(admin).post("/api/v1/intake/parked/" + Long.MAX_VALUE + "/replay").then(), 404, "NOT_FOUND");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        assertNotNull(record.headers().lastHeader(name), name);
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
