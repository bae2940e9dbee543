package io.wharf.registry;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Personal access tokens have scopes (issue 21): by default registry pull and push only; the
 * management API needs the {@code api} scope; no token can change the password or make tokens; and
 * changing one's own password needs the current one. Before, a PAT could do everything its account
 * could, including taking the account over.
 */
@QuarkusTest
class PersonalTokenScopeTest {

    @Test
    void aDefaultTokenPullsAndPushesAndNothingMore() {
        String user = Accounts.user("scoped");
        String project = Accounts.project("scoped", false);
        Accounts.member(project, user, "maintainer");
        Oci.pushImage(project + "/app", "v1");
        String token = Accounts.personalToken(user, "ci", null);
        Accounts.as(user).get("/api/v1/users/me/tokens").then().statusCode(200).body("[0].scopes", equalTo(List.of("pull", "push")));

        Accounts.as(user, token).accept(Oci.OCI_MANIFEST).get("/v2/" + project + "/app/manifests/v1").then().statusCode(200);
        Accounts.as(user, token).post("/v2/" + project + "/app/blobs/uploads/").then().statusCode(202);
        Oci.assertError(Accounts.as(user, token).delete("/v2/" + project + "/app/manifests/v1"), 403, "DENIED");
        // A registry token asked for with it grants no more than the scopes either.
        RestAssured.given().auth().preemptive().basic(user, token).queryParam("service", "wharf-registry")
                .queryParam("scope", "repository:" + project + "/app:pull,push,delete").get("/token").then().statusCode(200);
        String granted = Accounts.token(user, token, "repository:" + project + "/app:pull,push,delete");
        Oci.assertError(Accounts.bearer(granted).delete("/v2/" + project + "/app/manifests/v1"), 401, "DENIED")
                .header("WWW-Authenticate", containsString("insufficient_scope"));

        // The management API is not in its scopes.
        Accounts.as(user, token).get("/api/v1/users/me").then().statusCode(403).body("detail", containsString("api scope"));
        Accounts.as(user, token).post("/api/v1/auth/token").then().statusCode(403);
    }

    @Test
    void noTokenChangesThePasswordOrMakesTokensAndTheOwnPasswordNeedsTheCurrentOne() {
        String user = Accounts.user("takeover");
        String token = Accounts.personalToken(user, "api", List.of("pull", "api"));
        Accounts.as(user, token).get("/api/v1/users/me").then().statusCode(200).body("username", equalTo(user));
        Accounts.as(user, token).contentType(ContentType.JSON).body(Map.of("name", "more")).post("/api/v1/users/me/tokens")
                .then().statusCode(403).body("detail", containsString("needs your password"));
        Accounts.as(user, token).contentType(ContentType.JSON).body(Map.of("password", "taken-over-now", "currentPassword", Accounts.PASSWORD))
                .put("/api/v1/users/" + user + "/password").then().statusCode(403);
        String apiFromToken = Accounts.as(user, token).post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
        Accounts.bearer(apiFromToken).contentType(ContentType.JSON).body(Map.of("password", "taken-over-now", "currentPassword", Accounts.PASSWORD))
                .put("/api/v1/users/" + user + "/password").then().statusCode(403);

        // With the password: the current one is needed, and must be right.
        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("password", "a-new-long-password"))
                .put("/api/v1/users/" + user + "/password").then().statusCode(400).body("detail", containsString("currentPassword"));
        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("password", "a-new-long-password", "currentPassword", "not-it-at-all"))
                .put("/api/v1/users/" + user + "/password").then().statusCode(403);
        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("password", "a-new-long-password", "currentPassword", Accounts.PASSWORD))
                .put("/api/v1/users/" + user + "/password").then().statusCode(204);
        Accounts.as(user, "a-new-long-password").get("/api/v1/users/me").then().statusCode(200);
        Accounts.as(user).get("/api/v1/users/me").then().statusCode(401);
    }

    @Test
    void anUnknownScopeIsRefused() {
        String user = Accounts.user("scopes");
        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("name", "x", "scopes", List.of("pull", "admin")))
                .post("/api/v1/users/me/tokens").then().statusCode(400).body("detail", containsString("unknown scope 'admin'"));
        Accounts.as(user).get("/api/v1/users/me/tokens").then().statusCode(200).body("size()", equalTo(0));
    }
}
