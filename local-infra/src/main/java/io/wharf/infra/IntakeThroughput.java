package io.wharf.infra;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;

/**
 * Measures how fast a consuming service's intake takes in registry events, from inside the service's
 * {@code @QuarkusTest} (its {@code IntakeThroughputBench}): with the service's consumer paused, new
 * {@code artifact.pushed} events of 50 repositories are produced, so they wait as one backlog; then the
 * consumer resumes and takes them in at its own batch size (max.poll.records), and the service's
 * {@code received_event} row count is polled every 10 ms. The rate counts the events recorded after
 * the first batch's commit, over the time from that commit to the last: the intake's pace, not the
 * producer's nor the poll's wake-up. A warm-up backlog first ({@code -Dbench.warmup}, 5000 events), then
 * {@code -Dbench.rounds} (2) measured ones of {@code -Dbench.events} (20000). Figures go to BENCHMARKS.md.
 */
public final class IntakeThroughput {

    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The channel the services consume registry events on. */
    private static final String CHANNEL = "registry-events";

    private IntakeThroughput() {
    }

    /**
     * What a run measured.
     *
     * @param events records produced (each a new event)
     * @param firstBatch rows already there when the first new ones were seen
     * @param firstToLastMillis from the first new rows seen to all of them
     * @param wallMillis from the resume to all rows (includes the consumer's wake-up)
     */
    public record Result(int events, long firstBatch, long firstToLastMillis, long wallMillis) {

        /** Events taken in per second after the first batch. */
        public double eventsPerSecond() {
            return (events - firstBatch) * 1000.0 / Math.max(1, firstToLastMillis);
        }

        @Override
        public String toString() {
            return String.format("n=%d intake=%.0f events/s (%d events after the first %d in %d ms; %d ms from the resume)",
                    events, eventsPerSecond(), events - firstBatch, firstBatch, firstToLastMillis, wallMillis);
        }
    }

    /**
     * Runs the warm-up and the measured rounds against the service under test, whose schema is
     * {@code schema} (its configuration gives Kafka and the database; {@code clients} its consumer);
     * prints a {@code BENCH} line each and returns the measured rounds.
     */
    public static List<Result> bench(String schema, KafkaClientService clients) {
        KafkaConsumer<Object, Object> consumer = Awaitility.await("the consumer of " + CHANNEL + " assigned").atMost(Duration.ofMinutes(2))
                .until(() -> clients.getConsumer(CHANNEL), c -> c != null && !c.getAssignments().await().atMost(TIMEOUT).isEmpty());
        Hold hold = new Hold() {
            @Override
            public void pause() {
                consumer.runOnPollingThread(c -> {
                    c.pause(c.assignment());
                }).await().atMost(TIMEOUT);
            }

            @Override
            public void resume() {
                consumer.runOnPollingThread(c -> {
                    c.resume(c.paused());
                }).await().atMost(TIMEOUT);
            }
        };
        Config config = ConfigProvider.getConfig();
        String kafka = config.getValue("kafka.bootstrap.servers", String.class);
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getValue("quarkus.datasource.username", String.class);
        String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        Result warm = run(kafka, url, user, password, schema, hold, events(Integer.getInteger("bench.warmup", 5000)), Duration.ofMinutes(5));
        System.out.println("BENCH " + schema + " intake warm-up " + warm);
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= Integer.getInteger("bench.rounds", 2); round++) {
            Result result = run(kafka, url, user, password, schema, hold, events(Integer.getInteger("bench.events", 20000)), Duration.ofMinutes(10));
            System.out.println("BENCH " + schema + " intake round " + round + " " + result);
            results.add(result);
        }
        return results;
    }

    /** {@code count} new {@code artifact.pushed} events of 50 repositories of a new project, as Kafka records. */
    public static List<ProducerRecord<String, byte[]>> events(int count) {
        String project = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String digest = "sha256:" + UUID.randomUUID().toString().replace("-", "") + "0".repeat(32);
            WharfEvent<RegistryEventData> event = WharfEvent.create(EventType.ARTIFACT_PUSHED, URI.create("/wharf/registry"),
                    RegistryEventData.builder(project + "/app-" + (i % 50), digest).tag("1.0." + i).project(project)
                            .actor(RegistryEventData.Actor.user("bench")).build());
            records.add(EventCodec.toProducerRecord(event));
        }
        return records;
    }

    /** Stops and restarts the service's consumer (its partitions paused, the polling going on). */
    public interface Hold {
        void pause();

        void resume();
    }

    /**
     * Pauses the consumer, produces {@code records} (new events, one row each in
     * {@code schema.received_event}), resumes it and returns once the service has recorded them all, or
     * throws after {@code limit}.
     */
    public static Result run(String bootstrapServers, String jdbcUrl, String user, String password, String schema, Hold hold,
            List<ProducerRecord<String, byte[]>> records, Duration limit) {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password == null ? "" : password);
                PreparedStatement count = db.prepareStatement("SELECT count(*) FROM " + schema + ".received_event")) {
            long before = count(count);
            long target = before + records.size();
            hold.pause();
            try {
                KafkaTraffic.burst(bootstrapServers, records);
                if (count(count) != before) {
                    throw new IllegalStateException("the consumer took records in while paused");
                }
            } finally {
                hold.resume();
            }
            long resumed = System.nanoTime();
            long deadline = resumed + limit.toNanos();
            long first = -1;
            long firstBatch = 0;
            long seen = before;
            while (seen < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + (seen - before) + " of " + records.size() + " events recorded within " + limit);
                }
                LockSupport.parkNanos(POLL_NANOS);
                seen = count(count);
                if (first < 0 && seen > before) {
                    first = System.nanoTime();
                    firstBatch = seen - before;
                }
            }
            long done = System.nanoTime();
            return new Result(records.size(), firstBatch, (done - first) / 1_000_000, (done - resumed) / 1_000_000);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count " + schema + ".received_event", e);
        }
    }

    private static long count(PreparedStatement count) throws SQLException {
        try (ResultSet result = count.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }
}
