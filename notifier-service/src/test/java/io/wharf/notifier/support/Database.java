package io.wharf.notifier.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Direct writes to the notifier's schema, for what a test cannot wait for in real time (a name
 * that resolves elsewhere tomorrow, a target that has been failing for days).
 */
public final class Database {

    private Database() {
    }

    /** Runs one statement with string parameters; returns the rows changed. */
    public static int update(String sql, String... parameters) {
        var config = ConfigProvider.getConfig();
        try (Connection db = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
