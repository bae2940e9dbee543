package io.wharf.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

import db.migration.V5__seal_webhook_secrets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Database;
import io.wharf.outbound.SecretBox;

/** Migration V5: webhook secrets that older versions stored clear are sealed; nothing else changes. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class SecretSealingMigrationTest {

    private static final String CURRENT = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String PREVIOUS = "whsec_paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWl";

    private final SecretBox box = new SecretBox(ConfigProvider.getConfig().getValue("wharf.notifier.secrets-key", String.class));

    @Test
    void theServiceRanTheMigrationAtStart() {
        assertEquals(List.of("seal webhook secrets", "t"), Database.firstRow(
                "SELECT description, success FROM notifier.flyway_schema_history WHERE version = '5'"));
    }

    @Test
    void sealsClearSecretsOfExistingRowsAndLeavesTheRestAlone() throws SQLException {
        String schema = "notifier_v5_" + UUID.randomUUID().toString().substring(0, 8);
        var config = ConfigProvider.getConfig();
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(config.getValue("quarkus.datasource.jdbc.url", String.class),
                        config.getValue("quarkus.datasource.username", String.class),
                        config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""))
                .schemas(schema).defaultSchema(schema)
                .locations("filesystem:src/main/resources/db/migration")
                .javaMigrations(new V5__seal_webhook_secrets(box));
        String clear = UUID.randomUUID().toString();
        String alreadySealed = UUID.randomUUID().toString();
        String email = UUID.randomUUID().toString();
        String sealedBefore = box.seal(CURRENT);
        try {
            flyway.target("4").load().migrate();
            try (Connection db = Database.connect(); PreparedStatement insert = db.prepareStatement("INSERT INTO " + schema
                    + ".subscription (id, name, scope, channel, url, secret, previous_secret, owner)"
                    + " VALUES (CAST(? AS uuid), 'hook', 'GLOBAL', ?, 'https://hooks.example.com/', ?, ?, 'admin')")) {
                for (String[] row : List.of(new String[] {clear, "WEBHOOK", CURRENT, PREVIOUS},
                        new String[] {alreadySealed, "WEBHOOK", sealedBefore, null},
                        new String[] {email, "EMAIL", null, null})) {
                    for (int i = 0; i < row.length; i++) {
                        insert.setString(i + 1, row[i]);
                    }
                    insert.executeUpdate();
                }
            }

            flyway.target("latest").load().migrate();

            String select = "SELECT secret, previous_secret FROM " + schema + ".subscription WHERE id = CAST(? AS uuid)";
            List<String> migrated = Database.firstRow(select, clear);
            assertTrue(SecretBox.isSealed(migrated.get(0)) && SecretBox.isSealed(migrated.get(1)), migrated.toString());
            assertEquals(CURRENT, box.open(migrated.get(0)));
            assertEquals(PREVIOUS, box.open(migrated.get(1)));
            List<String> untouched = Database.firstRow(select, alreadySealed);
            assertEquals(sealedBefore, untouched.get(0), "a sealed value is not sealed again");
            assertNull(untouched.get(1));
            List<String> withoutSecret = Database.firstRow(select, email);
            assertNull(withoutSecret.get(0));
            assertNull(withoutSecret.get(1));
        } finally {
            Database.update("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
