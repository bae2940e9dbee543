package io.wharf.notifier.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Direct writes to the notifier's schema, for what a test cannot wait for in real time (a name
 * that resolves elsewhere tomorrow, a target that has been failing for days), and direct reads of
 * what the API never shows (how a secret is stored).
 */
public final class Database {

    private Database() {
    }

    /** Runs one statement with string parameters; returns the rows changed. */
    public static int update(String sql, String... parameters) {
        try (Connection db = connect(); PreparedStatement statement = prepare(db, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one query with string parameters; returns the first row's columns as text (empty when no row). */
    public static List<String> firstRow(String sql, String... parameters) {
        try (Connection db = connect(); PreparedStatement statement = prepare(db, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            List<String> row = new ArrayList<>();
            if (rows.next()) {
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.add(rows.getString(i));
                }
            }
            return row;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection to the notifier's database, as its Flyway connects. */
    public static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    private static PreparedStatement prepare(Connection db, String sql, String... parameters) throws SQLException {
        PreparedStatement statement = db.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setString(i + 1, parameters[i]);
        }
        return statement;
    }
}
