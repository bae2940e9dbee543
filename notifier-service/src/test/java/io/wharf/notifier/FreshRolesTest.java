package io.wharf.notifier;

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
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Tokens;

/**
 * A caller's rights are the registry's, not the token's: a maintainer removed from a project, or a
 * token the registry revoked, is refused once {@code wharf.access.roles-ttl} (1 s in the test profile)
 * has passed, though the token still says otherwise; while the registry cannot answer, nothing is
 * decided (503). Against a stand-in of the registry's {@code /api/v1/users/me} on a real HTTP server
 * ({@link RegistryStandIn}), which every test of this module uses.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
@QuarkusTestResource(RegistryStandIn.class)
class FreshRolesTest {

    /** Longer than the test profile's roles-ttl, by far. */
    private static final Duration TTL_AND_MORE = Duration.ofSeconds(15);

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> webhook(String project, String url) {
        return Map.of("name", "ci hook", "scope", "project", "project", project, "channel", "webhook", "url", url);
    }

    @Test
    void maintainerRemovedFromTheProjectIsRefusedThoughTheTokenStillSaysMaintainer() {
        String rita = Tokens.member("rita", "fresh-roles", "maintainer");
        as(rita).body(webhook("fresh-roles", "http://127.0.0.1:9/one")).post("/api/v1/subscriptions").then().statusCode(201);

        RegistryStandIn.remove("fresh-roles", "rita");

        await("rita's removal seen by the notifier").atMost(TTL_AND_MORE).pollInterval(Duration.ofMillis(200))
                .until(() -> as(rita).get("/api/v1/subscriptions?project=fresh-roles").statusCode() == 403);
        as(rita).body(webhook("fresh-roles", "http://127.0.0.1:9/two")).post("/api/v1/subscriptions").then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void demotedMaintainerStillReadsButNoLongerManages() {
        String dora = Tokens.member("dora", "fresh-demoted", "maintainer");
        RegistryStandIn.setRole("fresh-demoted", "dora", "guest");

        await("dora's demotion seen by the notifier").atMost(TTL_AND_MORE).pollInterval(Duration.ofMillis(200))
                .until(() -> as(dora).body(webhook("fresh-demoted", "http://127.0.0.1:9/hook"))
                        .post("/api/v1/subscriptions").statusCode() == 403);
        as(dora).get("/api/v1/subscriptions?project=fresh-demoted").then().statusCode(200);
    }

    @Test
    void tokenTheRegistryRevokedIsUnauthorized() {
        String rex = Tokens.member("rex", "fresh-revoked", "projectAdmin");
        as(rex).get("/api/v1/subscriptions?project=fresh-revoked").then().statusCode(200);

        RegistryStandIn.revoke("rex");

        await("rex's revocation seen by the notifier").atMost(TTL_AND_MORE).pollInterval(Duration.ofMillis(200))
                .until(() -> as(rex).get("/api/v1/subscriptions?project=fresh-revoked").statusCode() == 401);
        as(rex).body(webhook("fresh-revoked", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void nothingIsDecidedWhileTheRegistryCannotAnswer() throws Exception {
        for (RegistryStandIn.Mode failure : new RegistryStandIn.Mode[] { RegistryStandIn.Mode.UNAVAILABLE, RegistryStandIn.Mode.DROPPING }) {
            String una = Tokens.member("una-" + failure.name().toLowerCase(), "fresh-outage", "maintainer");
            try (AutoCloseable outage = RegistryStandIn.failWith(failure)) {
                as(una).body(webhook("fresh-outage", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions").then()
                        .statusCode(503)
                        .contentType("application/problem+json")
                        .header("Retry-After", "5")
                        .body("code", equalTo("UNAVAILABLE"))
                        .body("detail", containsString("registry"));
            }
            as(una).get("/api/v1/subscriptions?project=fresh-outage").then().statusCode(200).body("size()", equalTo(0));
        }
    }
}
