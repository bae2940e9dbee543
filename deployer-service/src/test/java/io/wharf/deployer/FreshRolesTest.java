package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.wharf.access.testing.RegistryStandIn;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.Tokens;
import io.wharf.infra.WharfInfraTestResource;

/**
 * A caller's rights are the registry's, not the token's: a maintainer removed from a project, or a
 * token the registry revoked, is refused once {@code wharf.access.roles-ttl} (1 s in the test profile)
 * has passed, though the token still says otherwise; while the registry cannot answer, nothing is
 * decided (503). Against a stand-in of the registry's {@code /api/v1/users/me} on a real HTTP server
 * ({@link RegistryStandIn}), which every test of this module uses.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
@QuarkusTestResource(RegistryStandIn.class)
class FreshRolesTest {

    /** Longer than the test profile's roles-ttl, by far. */
    private static final Duration TTL_AND_MORE = Duration.ofSeconds(15);

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> rule(String project) {
        return Api.fakeRule(project + "/api", "semver", "^1.0.0", project, Map.of());
    }

    @Test
    void maintainerRemovedFromTheProjectIsRefusedThoughTheTokenStillSaysMaintainer() {
        String project = Api.project();
        String rita = Tokens.user("rita", project, "maintainer");
        as(rita).body(rule(project)).post("/api/v1/rules").then().statusCode(201);

        RegistryStandIn.remove(project, "rita");

        await("rita's removal seen by the deployer").atMost(TTL_AND_MORE).pollInterval(Duration.ofMillis(200))
                .until(() -> as(rita).get("/api/v1/rules?project=" + project).statusCode() == 403);
        as(rita).body(Api.fakeRule(project + "/web", "semver", "^1.0.0", project, Map.of())).post("/api/v1/rules").then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void tokenTheRegistryRevokedIsUnauthorized() {
        String project = Api.project();
        String rex = Tokens.user("rex", project, "projectAdmin");
        as(rex).get("/api/v1/rules?project=" + project).then().statusCode(200);

        RegistryStandIn.revoke("rex");

        await("rex's revocation seen by the deployer").atMost(TTL_AND_MORE).pollInterval(Duration.ofMillis(200))
                .until(() -> as(rex).get("/api/v1/rules?project=" + project).statusCode() == 401);
        as(rex).body(rule(project)).post("/api/v1/rules").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void nothingIsDecidedWhileTheRegistryCannotAnswer() throws Exception {
        String project = Api.project();
        Map<String, Object> body = rule(project);
        for (RegistryStandIn.Mode failure : new RegistryStandIn.Mode[] { RegistryStandIn.Mode.UNAVAILABLE, RegistryStandIn.Mode.DROPPING }) {
            String una = Tokens.user("una-" + failure.name().toLowerCase(), project, "maintainer");
            try (AutoCloseable outage = RegistryStandIn.failWith(failure)) {
                as(una).body(body).post("/api/v1/rules").then()
                        .statusCode(503)
                        .contentType("application/problem+json")
                        .header("Retry-After", "5")
                        .body("code", equalTo("UNAVAILABLE"))
                        .body("detail", containsString("registry"));
            }
            as(una).get("/api/v1/rules?project=" + project).then().statusCode(200).body("size()", equalTo(0));
        }
    }
}
