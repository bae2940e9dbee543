package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.FakeTarget;
import io.wharf.deployer.support.Registry;
import io.wharf.deployer.support.Tokens;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * A rule's tag regex runs inside the transaction that takes registry events in: whatever one project's
 * rule says, pushes keep being planned for everyone.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class TagRegexPlanningTest {

    /** Seconds, not the minutes a backtracking engine would take over the poison tag. */
    private static final Duration FEW_SECONDS = Duration.ofSeconds(10);
    /** With a backtracking engine, (.*a){12} against this tries about 60^12 ways before it fails. */
    private static final String POISON_TAG = "a".repeat(60) + "-";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    DataSource dataSource;

    private static Map<String, Object> awaitSucceeded(String ruleId, String digest) {
        return await("deployment of " + digest + " succeeded").atMost(FEW_SECONDS).until(
                () -> Api.deployments(ruleId).stream().filter(d -> digest.equals(d.get("toDigest"))).findFirst().orElse(null),
                d -> d != null && "succeeded".equals(d.get("state")));
    }

    @Test
    void aCatastrophicTagRegexPlansInMillisecondsAndDelaysNoOtherProject() {
        String attacker = Api.project();
        String other = Api.project();
        String redos = Api.createRule(Api.fakeRule(attacker + "/x", "regex", "(.*a){12}", attacker, Map.of())).getString("id");
        String plain = Api.createRule(Api.fakeRule(other + "/app", "exact", "1.0", other, Map.of())).getString("id");
        String matchingDigest = Registry.digest();
        String nextDigest = Registry.digest();
        WharfEvent<RegistryEventData> poison = Registry.pushed(attacker + "/x", POISON_TAG, Registry.digest());
        WharfEvent<RegistryEventData> matching = Registry.pushed(attacker + "/x", "a".repeat(60), matchingDigest);
        WharfEvent<RegistryEventData> next = Registry.pushed(other + "/app", "1.0", nextDigest);

        // One partition: the poison comes first, and the other project's push is only planned after it.
        Registry.send(bootstrap, poison, matching, next);

        awaitSucceeded(plain, nextDigest);
        // The pattern still means what it says: the 60 a's deploy, the poison does not.
        awaitSucceeded(redos, matchingDigest);
        assertEquals(1, Api.deployments(redos).size());
        assertEquals(1, FakeTarget.place(attacker).orders.size());
    }

    @Test
    void refusesTagRegexesThatNeedBacktrackingWithAClearMessageAndStoresNothing() {
        String project = Api.project();
        Map<String, String> refused = Map.of(
                "(a)\\1", "backreference \\1 is not allowed",
                "v(?=1)\\d+", "lookahead (?=...) is not allowed",
                "(?<!x)v1", "lookbehind (?<!...) is not allowed",
                "v1.*+", "possessive quantifier *+ is not allowed",
                "(?>v1)", "atomic group (?>...) is not allowed",
                "((v{10}){10}){11}", "counted repetitions make 1100 copies");
        refused.forEach((pattern, construct) -> given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON)
                .body(Api.fakeRule(project + "/api", "regex", pattern, project, Map.of()))
                .post("/api/v1/rules").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("detail", containsString(construct)));
        given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/rules?project=" + project)
                .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aStoredTagRegexThatIsNoLongerAcceptedMatchesNothingAndBlocksNoOne() throws SQLException {
        String project = Api.project();
        String other = Api.project();
        String stale = Api.createRule(Api.fakeRule(project + "/app", "regex", "v[0-9]+", project, Map.of())).getString("id");
        String plain = Api.createRule(Api.fakeRule(other + "/app", "exact", "1.0", other, Map.of())).getString("id");
        // As an older version, which compiled tag regexes with java.util.regex, may have stored it.
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE deployer.deploy_rule SET policy = ? WHERE id = ?")) {
            update.setString(1, "(v)[0-9]+\\1?");
            update.setObject(2, UUID.fromString(stale));
            assertEquals(1, update.executeUpdate());
        }
        String nextDigest = Registry.digest();
        WharfEvent<RegistryEventData> push = Registry.pushed(project + "/app", "v1", Registry.digest());
        Registry.send(bootstrap, push, Registry.pushed(other + "/app", "1.0", nextDigest));

        awaitSucceeded(plain, nextDigest);
        assertTrue(Api.deployments(stale).isEmpty(), "the rule with the refused pattern matched nothing");
        assertEquals(List.of(), FakeTarget.place(project).appliedImages());
        String problem = Api.rule(stale).getString("tagPolicyProblem");
        assertTrue(problem != null && problem.contains("backreference"), "the API says why the rule deploys nothing: " + problem);
        assertEquals(null, Api.rule(plain).getString("tagPolicyProblem"));
    }
}
