package io.wharf.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.infra.WharfInfraTestResource;

/**
 * The intake's migration {@code db/intake/V1__received_events.sql} is the one each service shipped as its own
 * V1 before the intake owned the table, byte for byte: databases migrated then recorded its checksum, and
 * Flyway validates it against this file at every start. Changing the file would stop every existing
 * notifier and deployer; a change to the table needs a new migration.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_intake_test"))
class ReceivedEventMigrationTest {

    /** What Flyway recorded for V1 in the notifier's and the deployer's databases before the move. */
    private static final int RECORDED_CHECKSUM = -248869027;

    @Inject
    AgroalDataSource db;

    @Test
    void keepsTheChecksumExistingDatabasesRecorded() throws SQLException {
        try (Connection connection = db.getConnection(); Statement query = connection.createStatement();
                ResultSet v1 = query.executeQuery(
                        "SELECT description, checksum FROM intake.flyway_schema_history WHERE version = '1'")) {
            v1.next();
            assertEquals("received events", v1.getString("description"));
            assertEquals(RECORDED_CHECKSUM, v1.getInt("checksum"), "V1 changed: existing databases would fail validation");
        }
    }
}
