package io.wharf.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.agroal.api.AgroalDataSource;
import io.restassured.response.Response;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.infra.KafkaTraffic;

/**
 * What the intake's tests see of the test application: its readiness check, what the
 * {@link RecordingHandler} was handed, the rows the intake and the handler wrote, the consumer group's
 * offsets; and registry events to send it.
 */
@ApplicationScoped
public class IntakeProbe {

    /** How long the intake may take to take in what a test sent. */
    static final Duration WAIT = Duration.ofSeconds(90);

    private final AgroalDataSource db;
    private final RecordingHandler handler;
    private final String bootstrapServers;
    private final String groupId;

    public IntakeProbe(AgroalDataSource db, RecordingHandler handler,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "mp.messaging.incoming.registry-events.group.id") String groupId) {
        this.db = db;
        this.handler = handler;
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
    }

    /** Produces the records in one burst; returns once the broker has them all. */
    void send(List<ProducerRecord<String, byte[]>> records) {
        KafkaTraffic.burst(bootstrapServers, records);
    }

    /** Returns once the intake's consumer group has committed every record on the topic. */
    void awaitCommitted() {
        KafkaTraffic.awaitCommitted(bootstrapServers, groupId, Topics.REGISTRY_EVENTS, WAIT);
    }

    /** The intake's committed offsets on the topic, by partition. */
    Map<Integer, Long> committedOffsets() {
        return KafkaTraffic.committed(bootstrapServers, groupId, Topics.REGISTRY_EVENTS);
    }

    /** The batches whose transaction committed, each as the ids handed to the handler, in the order taken in. */
    List<List<String>> committedBatches() {
        return handler.committedBatches();
    }

    /** The ids among {@code wanted} the handler was handed in committed batches, in the order handed. */
    List<String> handed(Collection<String> wanted) {
        Set<String> of = Set.copyOf(wanted);
        return committedBatches().stream().flatMap(List::stream).filter(of::contains).toList();
    }

    /** A new {@code artifact.pushed} event of {@code repository}:{@code tag}. */
    static WharfEvent<RegistryEventData> pushed(String repository, String tag) {
        String digest = "sha256:" + UUID.randomUUID().toString().replace("-", "") + "0".repeat(32);
        return WharfEvent.create(EventType.ARTIFACT_PUSHED, URI.create("/wharf/registry"),
                RegistryEventData.builder(repository, digest).tag(tag).project(repository.split("/")[0])
                        .actor(RegistryEventData.Actor.user("alice")).build());
    }

    /** A repository name no other test uses, under {@code prefix}. */
    static String repository(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "/app";
    }

    static List<ProducerRecord<String, byte[]>> records(List<? extends WharfEvent<?>> events) {
        return events.stream().map(EventCodec::toProducerRecord).collect(Collectors.toCollection(ArrayList::new));
    }

    static List<String> ids(List<? extends WharfEvent<?>> events) {
        return events.stream().map(WharfEvent::id).toList();
    }

    /** The intake's readiness data ({@code taken}, {@code lastEventId}) in the response to a readiness request. */
    static Map<String, Object> intake(Response readiness) {
        return readiness.jsonPath().getMap("checks.find { it.name == 'registry-events intake' }.data");
    }

    static Response readiness() {
        return given().get("/q/health/ready");
    }

    /** New events taken in, as the readiness check reports it. */
    static long taken() {
        return ((Number) intake(readiness()).get("taken")).longValue();
    }

    /** Returns once the readiness check names {@code eventId} as the last event taken in. */
    static void awaitTakenIn(String eventId) {
        await("event " + eventId + " taken in").atMost(WAIT)
                .until(() -> eventId.equals(intake(readiness()).get("lastEventId")));
    }

    /** How many rows of {@code table} ({@code received_event} or {@code handled_event}, schema {@code intake}) name one of the events. */
    long rows(String table, Collection<String> eventIds) {
        try (Connection connection = db.getConnection();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM intake." + table + " WHERE event_id = ANY (?)")) {
            Array ids = connection.createArrayOf("text", eventIds.toArray());
            count.setArray(1, ids);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
