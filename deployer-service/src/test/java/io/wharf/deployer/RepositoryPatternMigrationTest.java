package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import db.migration.V3__Repository_patterns_in_the_shared_glob_grammar;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.deployer.rule.RepositoryPattern;
import io.wharf.infra.WharfInfraTestResource;

/**
 * V3 moves stored deploy rules to the shared glob grammar: rules written when {@code *} crossed
 * {@code /} watch the same repositories afterwards, and rules the grammar refuses are disabled, not lost.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class RepositoryPatternMigrationTest {

    private static final String SCHEMA = "v3_rewrite";

    /** Old pattern, and what V3 stores instead (the same text when nothing changes). */
    private static final Map<String, String> REWRITES = new LinkedHashMap<>();

    static {
        REWRITES.put("team/*", "team/**");
        REWRITES.put("team/svc-*", "team/svc-**");
        REWRITES.put("team/*-api", "team/**-api");
        REWRITES.put("team/a*b*", "team/a**b**");
        REWRITES.put("team/*/api", "team/*/**/api");
        REWRITES.put("team/x/*", "team/x/*/**");
        REWRITES.put("team/*/*", "team/*/**/*/**");
        REWRITES.put("team/**", "team/**");
        REWRITES.put("team/***/api", "team/*/**/api");
        REWRITES.put("team/api", "team/api");
    }

    @Inject
    Flyway serviceFlyway;

    @Inject
    DataSource dataSource;

    @Test
    void theServiceRunsTheMigrationAtStart() {
        assertTrue(Arrays.stream(serviceFlyway.info().applied())
                .anyMatch(m -> m.getVersion() != null && "3".equals(m.getVersion().getVersion()) && m.getState().isApplied()
                        && m.getDescription().equals("Repository patterns in the shared glob grammar")),
                "V3 is applied by the service's own Flyway");
    }

    @Test
    void rewritesOldPatternsSoTheyWatchTheSameRepositories() throws SQLException {
        Flyway flyway = Flyway.configure().dataSource(dataSource).schemas(SCHEMA).defaultSchema(SCHEMA)
                .locations("classpath:db/migration").cleanDisabled(false).load();
        flyway.clean();
        try {
            Flyway.configure().configuration(flyway.getConfiguration()).target("2").load().migrate();
            Map<String, UUID> ids = new LinkedHashMap<>();
            for (String old : REWRITES.keySet()) {
                ids.put(old, insert(old, "GLOB", "v*"));
            }
            UUID question = insert("team/a?i", "EXACT", "main");
            UUID shortProject = insert("t/*", "EXACT", "main");
            String longOld = "team/" + "a*".repeat(125);
            UUID tooLongAfter = insert(longOld, "EXACT", "main");
            UUID longTagGlob = insert("team/api", "GLOB", "v" + "*".repeat(300));

            Flyway.configure().configuration(flyway.getConfiguration()).target("3").load().migrate();

            for (Map.Entry<String, String> rewrite : REWRITES.entrySet()) {
                Row row = row(ids.get(rewrite.getKey()));
                assertEquals(rewrite.getValue(), row.repository(), rewrite.getKey());
                assertTrue(row.enabled() && !row.onHold(), rewrite.getKey() + " stays enabled");
                RepositoryPattern after = RepositoryPattern.of(row.repository());
                for (String repository : corpus()) {
                    assertEquals(oldMatches(rewrite.getKey(), repository), after.matches(repository),
                            rewrite.getKey() + " -> " + row.repository() + " on " + repository);
                }
            }
            assertEquals("team/a?i", row(question).repository());
            assertTrue(row(question).enabled());

            Row project = row(shortProject);
            assertEquals("t/**", project.repository());
            assertFalse(project.enabled());
            assertTrue(project.onHold());
            assertTrue(project.holdReason().contains("project name must be 2-64 characters"), project.holdReason());

            Row longer = row(tooLongAfter);
            assertEquals("team/" + "a**".repeat(125), longer.repository());
            assertFalse(longer.enabled());
            assertTrue(longer.holdReason().contains("pattern must not be more than 256 characters"), longer.holdReason());

            Row tags = row(longTagGlob);
            assertEquals("team/api", tags.repository());
            assertFalse(tags.enabled());
            assertTrue(tags.onHold());
        } finally {
            flyway.clean();
        }
    }

    /** What a rule's repository meant before V3: {@code *} any run, {@code /} included; {@code ?} any character. */
    private static boolean oldMatches(String pattern, String repository) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.matches(regex.toString(), repository);
    }

    /**
     * Repository names of one to three components after {@code team}, and some elsewhere. A name is never
     * the project alone ({@code team}): the registry names a one-component repository {@code library/<name>}.
     */
    private static List<String> corpus() {
        String[] segments = {"a", "b", "x", "api", "svc-a", "svc-a-api", "ab", "a.b", "axb"};
        List<String> names = new ArrayList<>(List.of("other/api", "teams/a", "other/team/api"));
        List<String> level = List.of("team");
        for (int depth = 0; depth < 3; depth++) {
            List<String> deeper = new ArrayList<>();
            for (String prefix : level) {
                for (String segment : segments) {
                    deeper.add(prefix + "/" + segment);
                }
            }
            names.addAll(deeper);
            level = deeper;
        }
        return names;
    }

    private record Row(String repository, boolean enabled, boolean onHold, String holdReason) {
    }

    private UUID insert(String repository, String policyKind, String policy) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + SCHEMA + ".deploy_rule (id, name, project, repository,"
                     + " policy_kind, policy, target_kind, target_settings, created_by) VALUES (?, ?, ?, ?, ?, ?, 'fake', '{}', 'ann')")) {
            insert.setObject(1, id);
            insert.setString(2, repository);
            insert.setString(3, RepositoryPattern.projectOf(repository));
            insert.setString(4, repository);
            insert.setString(5, policyKind);
            insert.setString(6, policy);
            insert.executeUpdate();
        }
        return id;
    }

    private Row row(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT repository, enabled, on_hold, hold_reason FROM " + SCHEMA + ".deploy_rule WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                return new Row(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getString(4));
            }
        }
    }

    @Test
    void rewriteIsThePureFunctionTheMigrationApplies() {
        REWRITES.forEach((old, expected) -> assertEquals(expected, V3__Repository_patterns_in_the_shared_glob_grammar.rewrite(old), old));
    }
}
