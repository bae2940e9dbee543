package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.infra.WharfInfraTestResource;

/**
 * V5 fixes the approval count on each deployment: those already awaiting approval keep what their
 * rule asks for (at least one, since they wait for an approval), the others need none.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class ApprovalCountMigrationTest {

    private static final String SCHEMA = "v5_approvals";

    @Inject
    DataSource dataSource;

    @Test
    void deploymentsAwaitingApprovalKeepTheCountTheirRuleAsksForAndAtLeastOne() throws SQLException {
        Flyway flyway = Flyway.configure().dataSource(dataSource).schemas(SCHEMA).defaultSchema(SCHEMA)
                .locations("classpath:db/migration").cleanDisabled(false).load();
        flyway.clean();
        try {
            // Rows as the deployer wrote them before V4 and V5 (whatever V4 does runs on them too).
            Flyway.configure().configuration(flyway.getConfiguration()).target("3").load().migrate();
            UUID twoApprovals = rule(2);
            UUID loweredToZero = rule(0);
            UUID awaiting = deployment(twoApprovals, "AWAITING_APPROVAL");
            UUID waiting = deployment(twoApprovals, "WAITING");
            UUID awaitingLowered = deployment(loweredToZero, "AWAITING_APPROVAL");

            flyway.migrate();

            assertEquals(2, approvalsRequired(awaiting));
            assertEquals(0, approvalsRequired(waiting), "a deployment no longer awaiting approval needs none");
            assertEquals(1, approvalsRequired(awaitingLowered), "planned because an approval was needed");
            assertNull(pushedBy(awaiting), "the pusher of an earlier deployment is not known");
        } finally {
            flyway.clean();
        }
    }

    private UUID rule(int approvals) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + SCHEMA + ".deploy_rule (id, name, project, repository,"
                     + " policy_kind, policy, target_kind, target_settings, created_by, approvals_required)"
                     + " VALUES (?, 'r', 'team', 'team/api', 'EXACT', 'prod', 'fake', '{}', 'ann', ?)")) {
            insert.setObject(1, id);
            insert.setInt(2, approvals);
            insert.executeUpdate();
        }
        return id;
    }

    private UUID deployment(UUID rule, String state) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + SCHEMA + ".deployment (id, rule_id, trigger, event_id,"
                     + " project, repository, tag, digest, image, state) VALUES (?, ?, 'EVENT', ?, 'team', 'team/api', 'prod', ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setObject(2, rule);
            insert.setString(3, UUID.randomUUID().toString());
            insert.setString(4, "sha256:" + id.toString().replace("-", ""));
            insert.setString(5, "registry.test:5000/team/api:prod@sha256:" + id.toString().replace("-", ""));
            insert.setString(6, state);
            insert.executeUpdate();
        }
        return id;
    }

    private int approvalsRequired(UUID deployment) throws SQLException {
        return (Integer) column(deployment, "approvals_required");
    }

    private String pushedBy(UUID deployment) throws SQLException {
        return (String) column(deployment, "pushed_by");
    }

    private Object column(UUID deployment, String column) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + column + " FROM " + SCHEMA + ".deployment WHERE id = ?")) {
            select.setObject(1, deployment);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                return rs.getObject(1);
            }
        }
    }
}
