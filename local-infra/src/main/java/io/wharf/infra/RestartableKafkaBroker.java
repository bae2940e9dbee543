package io.wharf.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link KafkaBroker} that can be stopped and started again on the same ports and the same data
 * directory, for tests that take the broker away (outage drills).
 *
 * <p>Guarantees: {@link #stop} shuts the broker down and keeps its data, so records and committed
 * offsets written before the stop are there after {@link #start}; clients configured with
 * {@link #bootstrapServers()} reach the restarted broker without reconfiguration; {@link #close}
 * stops the broker and deletes the data directory. Not thread-safe: one test drives it.
 */
public final class RestartableKafkaBroker implements AutoCloseable {

    private final KafkaBroker.Options options;
    private KafkaBroker running;

    private RestartableKafkaBroker(KafkaBroker.Options options) {
        this.options = options;
    }

    /** Starts a broker on the given ports with a new temporary data directory, deleted on {@link #close}. */
    public static RestartableKafkaBroker start(int port, int controllerPort) throws Exception {
        Path dir = Files.createTempDirectory("wharf-kafka-");
        RestartableKafkaBroker broker = new RestartableKafkaBroker(new KafkaBroker.Options(port, controllerPort, dir));
        try {
            broker.start();
        } catch (Exception | Error e) {
            Files2.deleteTree(dir);
            throw e;
        }
        return broker;
    }

    /** Starts the broker again; returns once it accepts connections. Does nothing when it runs. */
    public synchronized void start() throws Exception {
        if (running == null) {
            running = KafkaBroker.start(options);
        }
    }

    /** Shuts the broker down, keeping its data. Does nothing when it is stopped. */
    public synchronized void stop() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    public synchronized boolean isRunning() {
        return running != null;
    }

    /** {@code host:port} for {@code bootstrap.servers}; the same before and after a restart. */
    public String bootstrapServers() {
        return "127.0.0.1:" + options.port();
    }

    @Override
    public synchronized void close() {
        stop();
        try {
            Files2.deleteTree(options.dataDir());
        } catch (IOException e) {
            System.err.println("could not delete " + options.dataDir() + ": " + e);
        }
    }
}
