package io.wharf.registry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A PostgreSQL session of the test's own on the registry's database (JDBC, apart from the registry's
 * pools), as another registry instance would have one: it listens for notices and holds locks.
 */
final class PgSession implements AutoCloseable {

    private final Connection connection;
    /** Payloads received and not yet matched, oldest first. */
    private final List<String> received = new ArrayList<>();

    private PgSession(Connection connection) {
        this.connection = connection;
    }

    static PgSession open() throws SQLException {
        Config config = ConfigProvider.getConfig();
        return new PgSession(DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse("")));
    }

    /** A session listening on the channel. */
    static PgSession listening(String channel) throws SQLException {
        PgSession session = open();
        session.execute("LISTEN " + channel);
        return session;
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * Waits up to {@code timeout} for a notice (received since the last match) whose payload matches;
     * returns it, or fails naming the payloads that did not match.
     */
    String awaitNotice(Predicate<String> matching, Duration timeout) throws SQLException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = 0; i < received.size(); i++) {
                if (matching.test(received.get(i))) {
                    return received.remove(i);
                }
            }
            long left = Duration.ofNanos(end - System.nanoTime()).toMillis();
            if (left <= 0) {
                throw new AssertionError("no matching notice within " + timeout + "; received " + received);
            }
            PGNotification[] notices = connection.unwrap(PGConnection.class).getNotifications((int) left);
            if (notices != null) {
                for (PGNotification notice : notices) {
                    received.add(notice.getParameter());
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
