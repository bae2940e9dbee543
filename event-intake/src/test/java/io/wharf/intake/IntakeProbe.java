package io.wharf.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * What the intake's tests see of the test application: its health checks, what the
 * {@link RecordingHandler} was handed, the rows the intake and the handler wrote, the parked events and
 * their dead letters, the consumer group's offsets; and registry events to send it.
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

    /** The topic the intake reads. */
    static final String REGISTRY_TOPIC = Topics.REGISTRY_EVENTS;

    /** The dead-letter topic of the test application ({@code wharf.intake.service-name=intake-test}). */
    static final String DEAD_LETTERS = Topics.intakeDeadLetters("intake-test");

    static Response liveness() {
        return given().get("/q/health/live");
    }

    /** The intake's liveness data and status in the response to a liveness request. */
    static Map<String, Object> livenessCheck(Response liveness) {
        return liveness.jsonPath().getMap("checks.find { it.name == 'registry-events intake' }");
    }

    /** The records on the dead-letter topic whose {@code ce_id} header is {@code eventId}, once at least one is there. */
    List<ConsumerRecord<String, byte[]>> awaitDeadLetters(String eventId) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers, "auto.offset.reset", "earliest",
                "enable.auto.commit", false, "group.id", "probe-" + UUID.randomUUID());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DEAD_LETTERS));
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await("event " + eventId + " on " + DEAD_LETTERS).atMost(WAIT).pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header id = record.headers().lastHeader("ce_id");
                    if (id != null && eventId.equals(new String(id.value(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
                return !found.isEmpty();
            });
            return found;
        }
    }

    /** The {@code parked_event} rows of the event ({@code state}, {@code attempts}, {@code error_class}, ... by column). */
    List<Map<String, Object>> parkedRows(String eventId) {
        try (Connection connection = db.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT * FROM intake.parked_event WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet result = query.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                while (result.next()) {
                    Map<String, Object> row = new java.util.HashMap<>();
                    for (int c = 1; c <= result.getMetaData().getColumnCount(); c++) {
                        row.put(result.getMetaData().getColumnName(c), result.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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
