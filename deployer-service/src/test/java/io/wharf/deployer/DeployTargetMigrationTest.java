package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.outbound.SecretBox;

/**
 * V4 turns the targets written into old rules into deploy targets: one per distinct endpoint (kind,
 * endpoint, settings and credentials), granted to the projects of the rules that used it with bounds that
 * cover exactly what they used, secrets sealed again; each rule is rewired to its target and keeps only
 * its workload.
 */
@QuarkusTest
@QuarkusTestResource(value = io.wharf.infra.WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class DeployTargetMigrationTest {

    private static final String SCHEMA = "v4_targets";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Flyway serviceFlyway;

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "wharf.deployer.secrets-key")
    String secretsKey;

    @Test
    void theServiceRunsTheMigrationAtStart() {
        assertTrue(Arrays.stream(serviceFlyway.info().applied())
                .anyMatch(m -> m.getVersion() != null && "4".equals(m.getVersion().getVersion()) && m.getState().isApplied()));
    }

    @Test
    void makesOneTargetPerDistinctEndpointGrantedExactlyWhatItsRulesUsed() throws Exception {
        SecretBox box = new SecretBox(secretsKey);
        Flyway flyway = Flyway.configure().dataSource(dataSource).schemas(SCHEMA).defaultSchema(SCHEMA)
                .locations("classpath:db/migration").cleanDisabled(false).load();
        flyway.clean();
        try {
            Flyway.configure().configuration(flyway.getConfiguration()).target("3").load().migrate();
            UUID web = insert("shop", "kubernetes", Map.of("workload", "Deployment", "namespace", "shop", "name", "web", "container", "app"));
            UUID db = insert("data", "kubernetes", Map.of("workload", "StatefulSet", "namespace", "data", "name", "db", "container", "pg"));
            UUID prod = insert("shop", "kubernetes", Map.of("workload", "Deployment", "namespace", "shop", "name", "web",
                    "container", "app", "context", "prod"));
            Map<String, Object> auth = Map.of("username", "robot", "password", box.seal("pw-1"));
            UUID dockerA = insert("shop", "docker", Map.of("host", "tcp://10.0.0.5:2375", "container", "a", "registryAuth", auth));
            UUID dockerB = insert("data", "docker", Map.of("host", "tcp://10.0.0.5:2375", "container", "b",
                    "registryAuth", Map.of("username", "robot", "password", box.seal("pw-1"))));
            UUID dockerOther = insert("shop", "docker", Map.of("host", "tcp://10.0.0.5:2375", "container", "c",
                    "registryAuth", Map.of("username", "robot", "password", box.seal("pw-2"))));
            String hookSecret = io.wharf.outbound.WebhookSignature.newSecret();
            UUID hook = insert("shop", "http", Map.of("url", "https://ci.example.com/hook?token=q-1", "method", "PUT",
                    "headers", Map.of("Authorization", "Bearer h-1"), "secret", box.seal(hookSecret)));
            UUID unknown = insert("shop", "fake", Map.of("place", "x"));

            Flyway.configure().configuration(flyway.getConfiguration()).target("4").load().migrate();

            Target inCluster = target(web);
            assertEquals(inCluster.id(), target(db).id(), "one target per endpoint");
            assertEquals("kubernetes", inCluster.kind());
            assertEquals("in-cluster", inCluster.endpoint());
            assertEquals(JSON.readTree("[{\"project\":\"shop\",\"namespaces\":[\"shop\"],\"workloads\":\"web\"},"
                    + "{\"project\":\"data\",\"namespaces\":[\"data\"],\"workloads\":\"db\"}]"), JSON.readTree(inCluster.grants()));
            assertNull(inCluster.credentials());
            assertEquals(JSON.readTree("{\"container\":\"pg\",\"name\":\"db\",\"namespace\":\"data\",\"workload\":\"StatefulSet\"}"),
                    JSON.readTree(workload(db)));
            assertEquals("kubeconfig:prod", target(prod).endpoint());
            assertNotEquals(inCluster.id(), target(prod).id());

            Target docker = target(dockerA);
            assertEquals(docker.id(), target(dockerB).id(), "the same password sealed twice is one credential");
            assertNotEquals(docker.id(), target(dockerOther).id(), "another password is another target");
            assertEquals("tcp://10.0.0.5:2375", docker.endpoint());
            assertEquals(JSON.readTree("[{\"project\":\"shop\",\"containers\":\"a\"},{\"project\":\"data\",\"containers\":\"b\"}]"),
                    JSON.readTree(docker.grants()));
            assertEquals("pw-1", JSON.readTree(box.open(docker.credentials())).path("registryAuth").path("password").asText());
            assertFalse(docker.settings().contains("pw-1"));
            assertEquals("{\"container\":\"a\"}", workload(dockerA));

            Target http = target(hook);
            assertEquals("https://ci.example.com/hook?token=********", http.endpoint());
            JsonNode credentials = JSON.readTree(box.open(http.credentials()));
            assertEquals(hookSecret, credentials.path("secret").asText());
            assertEquals("token=q-1", credentials.path("query").asText());
            assertEquals("Bearer h-1", credentials.path("headers").path("Authorization").asText());
            assertEquals("PUT", JSON.readTree(http.settings()).path("method").asText());
            assertFalse(http.settings().contains("h-1"));
            assertEquals("[{\"project\":\"shop\"}]", http.grants());
            assertEquals("{}", workload(hook));

            assertEquals("fake", target(unknown).kind());
            assertTrue(onHold(unknown));
            assertFalse(onHold(web));
            assertFalse(columns().contains("target_settings"), "rules hold no target settings any more");
        } finally {
            flyway.clean();
        }
    }

    private record Target(UUID id, String kind, String endpoint, String settings, String credentials, String grants) {
    }

    private UUID insert(String project, String kind, Map<String, Object> settings) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + SCHEMA + ".deploy_rule (id, name, project, repository,"
                     + " policy_kind, policy, target_kind, target_settings, created_by) VALUES (?, 'r', ?, ?, 'EXACT', 'main', ?, ?, 'ann')")) {
            insert.setObject(1, id);
            insert.setString(2, project);
            insert.setString(3, project + "/app");
            insert.setString(4, kind);
            insert.setString(5, JSON.writeValueAsString(settings));
            insert.executeUpdate();
        }
        return id;
    }

    private Target target(UUID rule) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT t.id, t.kind, t.endpoint, t.settings, t.credentials, t.grants FROM "
                     + SCHEMA + ".deploy_target t JOIN " + SCHEMA + ".deploy_rule r ON r.target_id = t.id WHERE r.id = ?")) {
            select.setObject(1, rule);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                return new Target(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
            }
        }
    }

    private String workload(UUID rule) throws SQLException {
        return single("SELECT workload FROM " + SCHEMA + ".deploy_rule WHERE id = ?", rule);
    }

    private boolean onHold(UUID rule) throws SQLException {
        return Boolean.parseBoolean(single("SELECT CAST(on_hold AND NOT enabled AS TEXT) FROM " + SCHEMA + ".deploy_rule WHERE id = ?", rule));
    }

    private String single(String sql, UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private List<String> columns() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = 'deploy_rule'")) {
            select.setString(1, SCHEMA);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
