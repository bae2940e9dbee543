package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

import io.wharf.notifier.subscription.SealedSecretConverter;
import io.wharf.outbound.SecretBox;

/**
 * Seals the webhook signing secrets (current and previous) that earlier versions stored clear, under
 * {@code wharf.notifier.secrets-key}, in Flyway's transaction: either every row is sealed or none is
 * and the migration fails. Values already sealed are left as they are. A Java migration because
 * sealing needs the key, which SQL does not have.
 */
public class V5__seal_webhook_secrets implements JavaMigration {

    private final SecretBox box;

    /** The migration Flyway runs: the key from the service's configuration. */
    public V5__seal_webhook_secrets() {
        this(new SecretBox(ConfigProvider.getConfig().getValue(SealedSecretConverter.KEY_SETTING, String.class),
                SealedSecretConverter.KEY_SETTING));
    }

    /** The migration under a given box (tests, tools). */
    public V5__seal_webhook_secrets(SecretBox box) {
        this.box = box;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("5");
    }

    @Override
    public String getDescription() {
        return "seal webhook secrets";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        try (PreparedStatement select = db.prepareStatement("SELECT id, secret, previous_secret FROM subscription"
                + " WHERE secret NOT LIKE 'sealed:v1:%' OR previous_secret NOT LIKE 'sealed:v1:%' FOR UPDATE");
                PreparedStatement update = db.prepareStatement(
                        "UPDATE subscription SET secret = ?, previous_secret = ? WHERE id = ?");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                update.setString(1, sealed(rows.getString("secret")));
                update.setString(2, sealed(rows.getString("previous_secret")));
                update.setObject(3, rows.getObject("id"));
                update.addBatch();
            }
            update.executeBatch();
        }
        try (var comment = db.createStatement()) {
            comment.execute("COMMENT ON COLUMN subscription.secret IS 'webhook signing secret, sealed (sealed:v1:…)'");
            comment.execute("COMMENT ON COLUMN subscription.previous_secret IS"
                    + " 'signs too until previous_secret_expires_at; sealed (sealed:v1:…)'");
        }
    }

    private String sealed(String value) {
        return value == null || SecretBox.isSealed(value) ? value : box.seal(value);
    }
}
