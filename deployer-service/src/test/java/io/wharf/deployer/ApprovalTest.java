package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.wharf.access.testing.RegistryStandIn;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.FakeTarget;
import io.wharf.deployer.support.Registry;
import io.wharf.deployer.support.Tokens;
import io.wharf.infra.WharfInfraTestResource;

/**
 * Approvals a single person cannot get around: the count is the one the deployment was planned with,
 * the pusher cannot approve their own push, and each approver's role is the one the registry knows at
 * approval time, whatever an older token says. Through the real API, with real Kafka and PostgreSQL and
 * a stand-in of the registry's {@code /api/v1/users/me} on a real HTTP server ({@link RegistryStandIn}).
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
@QuarkusTestResource(RegistryStandIn.class)
class ApprovalTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** A deployment awaiting approval: its project, rule, the digest pushed and its id. */
    private record Planned(String project, String repository, String rule, String digest, String id) {
    }

    /** A rule needing {@code approvals} and a push of {@code pusher} it matches, planned and awaiting approval. */
    private Planned planned(int approvals, String pusher) {
        String project = Api.project();
        String repository = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repository, "exact", "prod", project, Map.of("approvalsRequired", approvals)))
                .getString("id");
        String digest = Registry.digest();
        Registry.send(bootstrap, Registry.pushedBy(pusher, repository, "prod", digest));
        String id = (String) Api.awaitState(rule, digest, "awaiting_approval").get("id");
        return new Planned(project, repository, rule, digest, id);
    }

    private static Response approve(String token, String deployment) {
        return given().auth().oauth2(token).post("/api/v1/deployments/" + deployment + "/approvals");
    }

    /** Asserts that the deployment still awaits approval, has none, and nothing was applied. */
    private static void stillAwaitingWithoutApprovals(Planned p) {
        given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/deployments/" + p.id()).then().statusCode(200)
                .body("state", equalTo("awaiting_approval")).body("approvedBy", nullValue());
        assertTrue(FakeTarget.place(p.project()).orders.isEmpty(), "nothing applied");
    }

    @Test
    void maintainerWhoLowersTheRuleToNoApprovalsStillNeedsTheApprovalsThePushWasPlannedWith() {
        Planned p = planned(2, "pusher");
        String max = Tokens.user("max", p.project(), "maintainer");

        given().auth().oauth2(max).contentType(ContentType.JSON)
                .body(Api.fakeRule(p.repository(), "exact", "prod", p.project(), Map.of("approvalsRequired", 0)))
                .put("/api/v1/rules/" + p.rule()).then().statusCode(200).body("approvalsRequired", equalTo(0));
        approve(max, p.id()).then().statusCode(200)
                .body("state", equalTo("awaiting_approval"))
                .body("approvalsRequired", equalTo(2))
                .body("reason", equalTo("approved by 1 of 2"));
        assertTrue(FakeTarget.place(p.project()).orders.isEmpty(), "applied with one approval of the two it was planned with");

        approve(Tokens.user("ada", p.project(), "projectAdmin"), p.id()).then().statusCode(200);
        Map<String, Object> done = Api.awaitState(p.rule(), p.digest(), "succeeded");
        assertEquals(List.of("max", "ada"), done.get("approvedBy"));
    }

    @Test
    void pusherCannotApproveTheDeploymentOfTheirOwnPush() {
        Planned p = planned(1, "paula");

        approve(Tokens.user("paula", p.project(), "maintainer"), p.id()).then().statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"))
                .body("detail", containsString("paula pushed"));
        stillAwaitingWithoutApprovals(p);
        given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/deployments/" + p.id()).then().body("pushedBy", equalTo("paula"));

        approve(Tokens.user("otto", p.project(), "maintainer"), p.id()).then().statusCode(200);
        assertEquals(List.of("otto"), Api.awaitState(p.rule(), p.digest(), "succeeded").get("approvedBy"));
    }

    @Test
    void maintainerDemotedToGuestSinceTheTokenWasMintedCannotApprove() {
        Planned p = planned(1, "pusher");
        String mia = Tokens.user("mia", p.project(), "maintainer");
        RegistryStandIn.setRole(p.project(), "mia", "guest");

        approve(mia, p.id()).then().statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"));
        stillAwaitingWithoutApprovals(p);
        assertTrue(RegistryStandIn.calls().contains("mia GET " + RegistryStandIn.ME),
                "the deployer asked the registry with mia's own token: " + RegistryStandIn.calls());
    }

    @Test
    void memberRemovedSinceTheTokenWasMintedCannotApprove() {
        Planned p = planned(1, "pusher");
        String leo = Tokens.user("leo", p.project(), "projectAdmin");
        RegistryStandIn.remove(p.project(), "leo");

        approve(leo, p.id()).then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        stillAwaitingWithoutApprovals(p);
    }

    @Test
    void approvalIsRefusedWhileTheRegistryCannotSayTheApproversRole() throws Exception {
        Planned p = planned(1, "pusher");
        String sam = Tokens.user("sam", p.project(), "maintainer");

        for (RegistryStandIn.Mode failure : List.of(RegistryStandIn.Mode.UNAVAILABLE, RegistryStandIn.Mode.DROPPING)) {
            try (AutoCloseable outage = RegistryStandIn.failWith(failure)) {
                approve(sam, p.id()).then().statusCode(503)
                        .contentType("application/problem+json")
                        .body("code", equalTo("UNAVAILABLE"))
                        .body("detail", containsString("registry"));
            }
            stillAwaitingWithoutApprovals(p);
        }

        approve(sam, p.id()).then().statusCode(200);
        assertEquals(List.of("sam"), Api.awaitState(p.rule(), p.digest(), "succeeded").get("approvedBy"));
    }
}
