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
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;

/**
 * Measures how fast a consuming service's intake takes in registry events, from inside the service's
 * {@code @QuarkusTest} (its {@code IntakeThroughputBench}): new {@code artifact.pushed} events of 50
 * repositories produced in one burst, timed by polling the service's {@code received_event} row count.
 * The rate is counted from the first new row seen to the last, so it is the intake's pace, not the
 * producer's (the burst of small records takes a fraction of the intake's time). A warm-up burst first
 * ({@code -Dbench.warmup}, 5000 events), then {@code -Dbench.rounds} (2) measured bursts of
 * {@code -Dbench.events} (20000). Figures go to BENCHMARKS.md.
 */
public final class IntakeThroughput {

    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

    private IntakeThroughput() {
    }

    /**
     * What a run measured.
     *
     * @param events records produced (each a new event)
     * @param produceMillis how long the burst took to produce
     * @param firstToLastMillis from the first new row seen to all of them
     * @param wallMillis from the start of the burst to all rows
     */
    public record Result(int events, long produceMillis, long firstToLastMillis, long wallMillis) {

        /** Events taken in per second, first row to last. */
        public double eventsPerSecond() {
            return events * 1000.0 / Math.max(1, firstToLastMillis);
        }

        @Override
        public String toString() {
            return String.format("n=%d intake=%.0f events/s (first to last row %d ms; from the burst's start %d ms, %.0f events/s;"
                    + " burst produced in %d ms)", events, eventsPerSecond(), firstToLastMillis, wallMillis,
                    events * 1000.0 / Math.max(1, wallMillis), produceMillis);
        }
    }

    /**
     * Runs the warm-up and the measured rounds against the service under test, whose schema is
     * {@code schema} (its configuration gives Kafka and the database); prints a {@code BENCH} line each and
     * returns the measured rounds.
     */
    public static List<Result> bench(String schema) {
        Config config = ConfigProvider.getConfig();
        String kafka = config.getValue("kafka.bootstrap.servers", String.class);
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getValue("quarkus.datasource.username", String.class);
        String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        Result warm = run(kafka, url, user, password, schema, events(Integer.getInteger("bench.warmup", 5000)), Duration.ofMinutes(5));
        System.out.println("BENCH " + schema + " intake warm-up " + warm);
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= Integer.getInteger("bench.rounds", 2); round++) {
            Result result = run(kafka, url, user, password, schema, events(Integer.getInteger("bench.events", 20000)), Duration.ofMinutes(10));
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

    /**
     * Produces {@code records} (new events, one row each in {@code schema.received_event}) and returns once
     * the service has recorded them all, or throws after {@code limit}.
     */
    public static Result run(String bootstrapServers, String jdbcUrl, String user, String password, String schema,
            List<ProducerRecord<String, byte[]>> records, Duration limit) {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password == null ? "" : password);
                PreparedStatement count = db.prepareStatement("SELECT count(*) FROM " + schema + ".received_event")) {
            long before = count(count);
            long target = before + records.size();
            long start = System.nanoTime();
            KafkaTraffic.burst(bootstrapServers, records);
            long produced = System.nanoTime();
            long first = -1;
            long deadline = start + limit.toNanos();
            long seen = count(count);
            while (seen < target) {
                if (first < 0 && seen > before) {
                    first = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + (seen - before) + " of " + records.size() + " events recorded within " + limit);
                }
                LockSupport.parkNanos(POLL_NANOS);
                seen = count(count);
            }
            long done = System.nanoTime();
            if (first < 0) {
                first = produced;
            }
            return new Result(records.size(), (produced - start) / 1_000_000, (done - first) / 1_000_000, (done - start) / 1_000_000);
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
