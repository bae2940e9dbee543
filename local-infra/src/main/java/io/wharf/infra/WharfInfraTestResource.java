package io.wharf.infra;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real Kafka broker (in this JVM, temporary data) and a real PostgreSQL
 * database for one service's tests.
 *
 * <p>Tests may take the broker away: a {@link RestartableKafkaBroker} field annotated
 * {@link InjectKafkaBroker} receives the broker, which restarts on the same port and data.
 *
 * <p>PostgreSQL is the server on {@code WHARF_TEST_PG_HOST:WHARF_TEST_PG_PORT} (default
 * 127.0.0.1:5432, user {@code postgres}, trust) when it answers and accepts those credentials,
 * otherwise embedded binaries on a free port. The database (init arg {@code database}, default {@code wharf_test}, plus a suffix unique to the run) is dropped and
 * created anew at start and dropped at stop, so every run begins empty.
 */
public class WharfInfraTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "wharf_test";
    private RestartableKafkaBroker kafka;
    private PostgresServer postgres;

    @Override
    public void init(Map<String, String> initArgs) {
        // A name of its own for each run: test runs of several checkouts may share one server.
        database = initArgs.getOrDefault("database", database) + "_" + Long.toString(ProcessHandle.current().pid(), 36)
                + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    @Override
    public Map<String, String> start() {
        try {
            kafka = RestartableKafkaBroker.start(Net.freePort(), Net.freePort());
            String host = env("WHARF_TEST_PG_HOST", "127.0.0.1");
            int port = Integer.parseInt(env("WHARF_TEST_PG_PORT", "5432"));
            PostgresServer.Options pg = new PostgresServer.Options(host, port,
                    env("WHARF_TEST_PG_USER", "postgres"), env("WHARF_TEST_PG_PASSWORD", ""), null);
            postgres = PostgresServer.existing(pg);
            if (postgres == null) {
                postgres = PostgresServer.startEmbedded(new PostgresServer.Options("127.0.0.1", Net.freePort(), "postgres", "", null));
            }
            postgres.dropDatabase(database);
            postgres.ensureDatabase(database);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start Kafka and PostgreSQL for the tests", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.username", postgres.user());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(kafka, new TestInjector.AnnotatedAndMatchesType(InjectKafkaBroker.class, RestartableKafkaBroker.class));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                if (!postgres.embedded()) {
                    postgres.dropDatabase(database);
                }
                postgres.close();
            } catch (Exception e) {
                System.err.println("could not clean up PostgreSQL: " + e);
            }
            postgres = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
