package io.wharf.infra;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process), run
 * inside the current JVM.
 *
 * <p>Guarantees: {@link #start} returns only once the broker accepts connections on
 * {@code 127.0.0.1:port}; the log directory is formatted only when it does not hold a formatted
 * log already, so a persistent data directory survives restarts; {@link #close} stops the broker and,
 * when the directory was temporary, deletes it.
 */
public final class KafkaBroker implements AutoCloseable {

    /**
     * @param port           the plaintext broker listener on 127.0.0.1
     * @param controllerPort the KRaft controller listener on 127.0.0.1
     * @param dataDir        log and metadata directory; {@code null} for a temporary one deleted on close
     */
    public record Options(int port, int controllerPort, Path dataDir) {
    }

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean temporary;
    private final int port;

    private KafkaBroker(KafkaRaftServer server, Path dataDir, boolean temporary, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
    }

    public static KafkaBroker start(Options options) throws Exception {
        boolean temporary = options.dataDir() == null;
        Path dir = temporary ? Files.createTempDirectory("wharf-kafka-") : options.dataDir();
        Files.createDirectories(dir);
        Properties props = properties(options, dir);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(dir.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setDirectories(java.util.List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
            Net.awaitPort("127.0.0.1", options.port(), 60_000);
        } catch (Exception | Error e) {
            server.shutdown();
            if (temporary) {
                Files2.deleteTree(dir);
            }
            throw e;
        }
        return new KafkaBroker(server, dir, temporary, options.port());
    }

    private static Properties properties(Options options, Path dir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + options.controllerPort());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + options.port() + ",CONTROLLER://127.0.0.1:" + options.controllerPort());
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + options.port());
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("metadata.log.dir", dir.toString());
        // One node: every internal topic must accept a replication factor of 1, or consumers stall.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", "10000");
        return p;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            try {
                Files2.deleteTree(dataDir);
            } catch (IOException e) {
                System.err.println("could not delete " + dataDir + ": " + e);
            }
        }
    }
}
