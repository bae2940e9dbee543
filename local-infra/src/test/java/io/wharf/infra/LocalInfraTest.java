package io.wharf.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalInfraTest {

    @Test
    void kafkaBrokerDeliversARecordAndRemovesItsTemporaryDirectory() throws Exception {
        Path dir;
        try (KafkaBroker broker = KafkaBroker.start(new KafkaBroker.Options(Net.freePort(), Net.freePort(), null))) {
            dir = broker.dataDir();
            Map<String, Object> common = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (var producer = new KafkaProducer<>(common, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("infra-test", "key", "hello")).get();
            }
            Map<String, Object> consumerProps = new java.util.HashMap<>(common);
            consumerProps.put("group.id", "infra-test");
            consumerProps.put("auto.offset.reset", "earliest");
            try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("infra-test"));
                String value = await("the record").atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                        .until(() -> {
                            String last = null;
                            for (var r : consumer.poll(Duration.ofMillis(500))) {
                                last = r.value();
                            }
                            return last;
                        }, Objects::nonNull);
                assertEquals("hello", value);
            }
        }
        assertFalse(Files.exists(dir), "temporary Kafka directory is deleted on close");
    }

    @Test
    void embeddedPostgresRunsQueriesAndKeepsAPersistentDataDirectory() throws Exception {
        Path data = Files.createTempDirectory("wharf-pg-test-");
        int port = Net.freePort();
        try {
            try (PostgresServer pg = PostgresServer.startEmbedded(new PostgresServer.Options("127.0.0.1", port, "postgres", "", data))) {
                assertTrue(pg.embedded());
                pg.ensureDatabase("infra_test");
                pg.ensureDatabase("infra_test");
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl("infra_test"), pg.user(), pg.password())) {
                    c.createStatement().execute("CREATE TABLE kept (v int)");
                    c.createStatement().execute("INSERT INTO kept VALUES (42)");
                }
            }
            assertFalse(Net.answers("127.0.0.1", port), "embedded server stops on close");
            try (PostgresServer pg = PostgresServer.startEmbedded(new PostgresServer.Options("127.0.0.1", port, "postgres", "", data));
                 Connection c = DriverManager.getConnection(pg.jdbcUrl("infra_test"), pg.user(), pg.password());
                 ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        } finally {
            Files2.deleteTree(data);
        }
    }
}
