package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * Revocation that sticks (issue 21): refresh, API and registry tokens are bound to the credentials that made
 * them (the account's password generation, the personal access token, the robot's secret) and die
 * with them. Each case failed on the code before: API tokens re-issued themselves from their claims,
 * refresh chains outlived the PAT that started them, robot refresh ignored a rotated secret, and an
 * expired PAT kept working from the credential cache.
 */
@QuarkusTest
class RevocationTest {

    private static String apiToken(io.restassured.specification.RequestSpecification as) {
        return as.post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
    }

    /** A personal access token that may also use the management API. */
    private static String pat(String user, String name) {
        return Accounts.personalToken(user, name, List.of("pull", "push", "api"));
    }

    private static String dockerLogin(String user, String secret) {
        return RestAssured.given().auth().preemptive().basic(user, secret).queryParam("offline_token", "true")
                .queryParam("client_id", "docker").queryParam("service", "wharf-registry").get("/token")
                .then().statusCode(200).extract().path("refresh_token");
    }

    private static int refreshGrant(String refresh) {
        return RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh).formParam("service", "wharf-registry").post("/token").statusCode();
    }

    private static long expiryOf(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]))).getLong("exp");
    }

    @Test
    void aDeletedAdministratorsApiTokenNeitherWorksNorRenewsItself() {
        String admin = "second-admin-" + Oci.suffix();
        Admin.given().contentType(ContentType.JSON).body(Map.of("username", admin, "password", Accounts.PASSWORD, "systemAdmin", true))
                .post("/api/v1/users").then().statusCode(201);
        String token = apiToken(Accounts.as(admin));
        Accounts.bearer(token).get("/api/v1/users").then().statusCode(200);
        Admin.given().delete("/api/v1/users/" + admin).then().statusCode(204);

        Accounts.bearer(token).get("/api/v1/users").then().statusCode(401);
        Accounts.bearer(token).post("/api/v1/auth/token").then().statusCode(401);
        Accounts.bearer(token).contentType(ContentType.JSON).body(Map.of("username", "mallory-" + Oci.suffix(), "password", Accounts.PASSWORD,
                "systemAdmin", true)).post("/api/v1/users").then().statusCode(401);
    }

    @Test
    void aPasswordChangeEndsApiTokensMadeWithTheOldOne() {
        String user = Accounts.user("changes");
        String token = apiToken(Accounts.as(user));
        String renewed = apiToken(Accounts.bearer(token));
        Accounts.bearer(renewed).get("/api/v1/users/me").then().statusCode(200).body("username", equalTo(user));
        Admin.given().contentType(ContentType.JSON).body(Map.of("password", "another-long-password"))
                .put("/api/v1/users/" + user + "/password").then().statusCode(204);
        Accounts.bearer(token).get("/api/v1/users/me").then().statusCode(401);
        Accounts.bearer(renewed).get("/api/v1/users/me").then().statusCode(401);
    }

    @Test
    void aRefreshChainStartedWithAPersonalTokenEndsWithIt() {
        String user = Accounts.user("pat-login");
        String secret = pat(user, "laptop");
        String refresh = dockerLogin(user, secret);
        assertTrue(refreshGrant(refresh) == 200);
        String patApi = apiToken(Accounts.as(user, secret));
        Accounts.as(user).delete("/api/v1/users/me/tokens/laptop").then().statusCode(204);

        assertTrue(refreshGrant(refresh) == 401, "the PAT is gone, so is every token made with it");
        Accounts.bearer(patApi).get("/api/v1/users/me").then().statusCode(401);
        Accounts.as(user, secret).get("/v2/").then().statusCode(401);
        // The password's own sessions are untouched.
        assertTrue(refreshGrant(dockerLogin(user, Accounts.PASSWORD)) == 200);
    }

    @Test
    void aRotatedRobotSecretEndsTheRobotsSessions() {
        String project = Accounts.project("rotates", false);
        String[] robot = Accounts.robot(project, "ci", List.of("pull"));
        String refresh = dockerLogin(robot[0], robot[1]);
        assertTrue(refreshGrant(refresh) == 200);
        Admin.given().post("/api/v1/projects/" + project + "/robots/ci/secret").then().statusCode(200);
        assertTrue(refreshGrant(refresh) == 401, "a rotated secret ends the robot's docker login");
    }

    @Test
    void anExpiringPersonalTokenStopsWhenItExpiresNotWhenTheCacheForgetsIt() {
        String user = Accounts.user("expiring");
        String secret = pat(user, "short");
        TestDatabase.execute("update access_token set expires_at = now() + interval '3 seconds' where name = 'short' "
                + "and account_id = (select id from account where username = '" + user + "')");
        Accounts.as(user, secret).get("/v2/").then().statusCode(200); // checked and remembered
        String api = apiToken(Accounts.as(user, secret));
        assertTrue(expiryOf(api) <= Instant.now().getEpochSecond() + 4, "an API token made with a PAT lives no longer than the PAT");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> Accounts.as(user, secret).get("/v2/").statusCode() == 401);
        Accounts.bearer(api).get("/api/v1/users/me").then().statusCode(401);
    }

    /** A registry token (Bearer on /v2) for push and pull of {@code repository}, got with these Basic credentials. */
    private static String registryToken(String user, String secret, String repository) {
        return Accounts.token(user, secret, "repository:" + repository + ":pull,push");
    }

    /** Starts an upload with a registry token: what the next push of a new layer does first. */
    private static io.restassured.response.Response startPush(String token, String repository) {
        return Accounts.bearer(token).post("/v2/" + repository + "/blobs/uploads/");
    }

    /**
     * docker keeps the registry token it got for up to its lifetime (5 minutes): the /v2 API checks
     * what the token was made with, so deleting the personal access token ends it at once. Before,
     * registry tokens were bound to nothing and pushes went on until they expired.
     */
    @Test
    void aRegistryTokenMadeWithADeletedPersonalTokenIsRefusedAtOnce() {
        String user = Accounts.user("pat-push");
        String repository = user + "/app";
        String secret = Accounts.personalToken(user, "ci", null); // default scopes: pull and push
        String direct = registryToken(user, secret, repository);
        String refresh = dockerLogin(user, secret);
        String refreshed = RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh).formParam("service", "wharf-registry")
                .formParam("scope", "repository:" + repository + ":push,pull").post("/token").then().statusCode(200).extract().path("access_token");
        String password = registryToken(user, Accounts.PASSWORD, repository);
        startPush(direct, repository).then().statusCode(202);
        startPush(refreshed, repository).then().statusCode(202);

        Accounts.as(user).delete("/api/v1/users/me/tokens/ci").then().statusCode(204);
        for (String token : List.of(direct, refreshed)) {
            Oci.assertError(startPush(token, repository), 401, "UNAUTHORIZED")
                    .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("error=\"invalid_token\""));
        }
        // What the password made is untouched.
        startPush(password, repository).then().statusCode(202);
    }

    @Test
    void aRegistryTokenEndsWithThePasswordOrRobotSecretItWasMadeWith() {
        String user = Accounts.user("pw-push");
        String repository = user + "/app";
        String byPassword = registryToken(user, Accounts.PASSWORD, repository);
        startPush(byPassword, repository).then().statusCode(202);
        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("password", "another-long-password", "currentPassword", Accounts.PASSWORD))
                .put("/api/v1/users/" + user + "/password").then().statusCode(204);
        startPush(byPassword, repository).then().statusCode(401);

        String project = Accounts.project("robot-push", false);
        String[] robot = Accounts.robot(project, "ci", List.of("pull", "push"));
        String byRobot = registryToken(robot[0], robot[1], project + "/app");
        startPush(byRobot, project + "/app").then().statusCode(202);
        String rotated = Admin.given().post("/api/v1/projects/" + project + "/robots/ci/secret").then().statusCode(200).extract().path("secret");
        startPush(byRobot, project + "/app").then().statusCode(401);
        startPush(registryToken(robot[0], rotated, project + "/app"), project + "/app").then().statusCode(202);
    }

    @Test
    void aRegistryTokenLivesNoLongerThanThePersonalTokenItWasMadeWith() {
        String user = Accounts.user("pat-expiry");
        String secret = Accounts.personalToken(user, "brief", null);
        TestDatabase.execute("update access_token set expires_at = now() + interval '3 seconds' where name = 'brief' "
                + "and account_id = (select id from account where username = '" + user + "')");
        String token = registryToken(user, secret, user + "/app");
        assertTrue(expiryOf(token) <= Instant.now().getEpochSecond() + 4, "a registry token made with a PAT lives no longer than the PAT");
    }

    /**
     * Another instance deleted a token and announced it ({@code NOTIFY wharf_credentials}): this
     * instance forgets the credentials it remembered at once, not a minute later.
     */
    @Test
    void aRevocationAnnouncedByAnotherInstanceIsHonouredAtOnce() {
        String user = Accounts.user("elsewhere");
        String secret = pat(user, "shared");
        Accounts.as(user, secret).get("/v2/").then().statusCode(200); // checked and remembered here
        TestDatabase.execute("delete from access_token where name = 'shared' and account_id = (select id from account where username = '" + user + "')");
        Accounts.as(user, secret).get("/v2/").then().statusCode(200); // still remembered: nobody said anything yet
        TestDatabase.execute("select pg_notify('wharf_credentials', 'another-instance')");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> Accounts.as(user, secret).get("/v2/").statusCode() == 401);
    }
}
