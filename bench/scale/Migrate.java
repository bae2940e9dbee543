import org.flywaydb.core.Flyway;

/**
 * Applies registry-service's Flyway migrations to a database, exactly as the service does at start
 * (schema registry, the same history table), without starting the service.
 * Arguments: JDBC URL, user, password, migration folder.
 */
public class Migrate {
    public static void main(String[] args) {
        var result = Flyway.configure()
                .dataSource(args[0], args[1], args[2])
                .schemas("registry")
                .defaultSchema("registry")
                .locations("filesystem:" + args[3])
                .load()
                .migrate();
        System.out.println("migrated to " + result.targetSchemaVersion + " (" + result.migrationsExecuted + " applied)");
    }
}
