package io.wharf.registry;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Pull limits: a pull is a manifest GET (HEAD is free), manifest GET and HEAD responses carry the
 * RateLimit headers (other endpoints do not, as on Docker Hub), and past the limit the answer is
 * 429 TOOMANYREQUESTS. Anonymous callers are counted per address, signed-in users per account,
 * robots against their project's budget, system administrators not at all; {@code docker-ratelimit-source}
 * says what was counted.
 */
@QuarkusTest
@TestProfile(PullLimitTest.LowLimits.class)
class PullLimitTest {

    /** Small limits so a test can exhaust them. */
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.auth.rate-limit.anonymous", "3", "wharf.auth.rate-limit.authenticated", "2",
                    "wharf.auth.rate-limit.authenticated-daily", "3", "wharf.auth.rate-limit.robots-per-project", "4",
                    "wharf.auth.rate-limit.window", "6h");
        }
    }

    @Test
    void anonymousPullsAreCountedPerAddressAndLimited() {
        String project = Accounts.project("limits", true);
        Oci.pushImage(project + "/app", "v1");
        String path = "/v2/" + project + "/app/manifests/v1";
        // HEAD costs nothing and shows what is left.
        Oci.anonymous().head(path).then().statusCode(200).header("RateLimit-Limit", "3;w=21600").header("RateLimit-Remaining", "3;w=21600")
                .header("docker-ratelimit-source", "127.0.0.1");
        for (int left = 2; left >= 0; left--) {
            Oci.anonymous().accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200)
                    .header("RateLimit-Limit", "3;w=21600").header("RateLimit-Remaining", left + ";w=21600");
        }
        Oci.assertError(Oci.anonymous().accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS")
                .header("RateLimit-Remaining", "0;w=21600");
        Oci.anonymous().head(path).then().statusCode(200).header("RateLimit-Remaining", "0;w=21600");
        // Listing tags is not a pull, and is not limited.
        Oci.anonymous().get("/v2/" + project + "/app/tags/list").then().statusCode(200)
                .header("RateLimit-Limit", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void signedInUsersHaveTheirOwnCountAndRobotsShareTheirProjectsBudget() {
        String user = Accounts.user("limited");
        String project = Accounts.project("limited", false);
        Accounts.member(project, user, "guest");
        Oci.pushImage(project + "/app", "v1");
        String path = "/v2/" + project + "/app/manifests/v1";
        Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Remaining", "1;w=21600");
        Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Remaining", "0;w=21600");
        Oci.assertError(Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS")
                .header("RateLimit-Limit", "2;w=21600");
        // A token does not escape the count.
        String token = Accounts.token(user, Accounts.PASSWORD, "repository:" + project + "/app:pull");
        Oci.assertError(Accounts.bearer(token).accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS");

        // Robots do not escape it either: all robots of a project share the project's budget (4 here).
        String[] robot = Accounts.robot(project, "puller", java.util.List.of("pull"));
        String[] other = Accounts.robot(project, "another", java.util.List.of("pull"));
        for (int left = 3; left >= 2; left--) {
            Accounts.as(robot[0], robot[1]).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200)
                    .header("RateLimit-Remaining", left + ";w=21600").header("docker-ratelimit-source", "project:" + project);
        }
        Accounts.as(other[0], other[1]).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Remaining", "1;w=21600");
        Accounts.as(other[0], other[1]).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Remaining", "0;w=21600");
        Oci.assertError(Accounts.as(robot[0], robot[1]).accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS")
                .header("RateLimit-Limit", "4;w=21600");
        // The counts are shared through PostgreSQL for every instance to see.
        TestDatabase.awaitRow("select pulls from pull_count where subject = 'user:" + user + "@21600' and pulls = 2");
        TestDatabase.awaitRow("select pulls from pull_count where subject = 'user-day:" + user + "@86400' and pulls = 2");
        TestDatabase.awaitRow("select pulls from pull_count where subject = 'project:" + project + "@21600' and pulls = 4");
    }

    @Test
    void systemAdministratorsAreNotLimited() {
        String project = Accounts.project("admin-pulls", false);
        Oci.pushImage(project + "/app", "v1");
        for (int i = 0; i < 6; i++) {
            Admin.given().accept(Oci.OCI_MANIFEST).get("/v2/" + project + "/app/manifests/v1").then().statusCode(200)
                    .header("RateLimit-Limit", org.hamcrest.Matchers.nullValue());
        }
    }

    /** The quickstart's admin pulls as docker does (a bearer token from /token) and as curl does (Basic): never 429. */
    @Test
    void systemAdministratorsPassHundredsOfPullsWhereAUserIsRefused() {
        String project = Accounts.project("admin-many", false);
        Oci.pushImage(project + "/app", "v1");
        String path = "/v2/" + project + "/app/manifests/v1";
        String token = Accounts.token(Admin.USERNAME, Admin.PASSWORD, "repository:" + project + "/app:pull");
        for (int i = 0; i < 250; i++) {
            Accounts.bearer(token).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200)
                    .header("RateLimit-Limit", org.hamcrest.Matchers.nullValue());
            Admin.given().accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200);
        }
        String user = Accounts.user("many");
        Accounts.member(project, user, "guest");
        Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200);
        Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200);
        Oci.assertError(Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS");
    }

    @Test
    void administratorsSetAnAccountsOrAProjectsRobotsLimitsAndOnlyThey() {
        String user = Accounts.user("ci");
        String project = Accounts.project("ci-limits", false);
        Accounts.member(project, user, "guest");
        Oci.pushImage(project + "/app", "v1");
        String path = "/v2/" + project + "/app/manifests/v1";
        String limitPath = "/api/v1/users/" + user + "/pull-limit";

        // Nobody but a system administrator sees or sets them.
        Accounts.as(user).get(limitPath).then().statusCode(403);
        Accounts.as(user).contentType("application/json").body(Map.of()).put(limitPath).then().statusCode(403);
        Oci.anonymous().contentType("application/json").body(Map.of()).put(limitPath).then().statusCode(401);
        Admin.given().get(limitPath).then().statusCode(200).body("perWindow", equalTo(2)).body("perDay", equalTo(3))
                .body("windowSeconds", equalTo(21600)).body("overridden", equalTo(false));
        Admin.given().contentType("application/json").body(Map.of("perWindow", 0)).put(limitPath).then().statusCode(400);

        // An unlimited CI account: no limit, no RateLimit headers.
        Admin.given().contentType("application/json").body(Map.of()).put(limitPath).then().statusCode(200)
                .body("perWindow", nullValue()).body("perDay", nullValue()).body("overridden", equalTo(true));
        for (int i = 0; i < 5; i++) {
            Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Limit", nullValue());
        }
        // A number in place of the configured limit; then back to the configured ones (the 5 pulls above were not counted).
        Admin.given().contentType("application/json").body(Map.of("perWindow", 1)).put(limitPath).then().statusCode(200)
                .body("perWindow", equalTo(1));
        Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Limit", "1;w=21600");
        Oci.assertError(Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS");
        Admin.given().delete(limitPath).then().statusCode(200).body("perWindow", equalTo(2)).body("overridden", equalTo(false));
        Accounts.as(user).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Remaining", "0;w=21600");

        // The budget of a project's robots.
        String robotLimit = "/api/v1/projects/" + project + "/robot-pull-limit";
        String[] robot = Accounts.robot(project, "builder", java.util.List.of("pull"));
        Admin.given().contentType("application/json").body(Map.of("perWindow", 1)).put(robotLimit).then().statusCode(200)
                .body("perWindow", equalTo(1)).body("perDay", nullValue());
        Accounts.as(robot[0], robot[1]).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200).header("RateLimit-Limit", "1;w=21600");
        Oci.assertError(Accounts.as(robot[0], robot[1]).accept(Oci.OCI_MANIFEST).get(path), 429, "TOOMANYREQUESTS");
        Accounts.as(user).contentType("application/json").body(Map.of()).put(robotLimit).then().statusCode(403);
        Admin.given().contentType("application/json").body(Map.of()).put("/api/v1/projects/none-" + Oci.suffix() + "/robot-pull-limit")
                .then().statusCode(404);
        Admin.given().delete(robotLimit).then().statusCode(200).body("perWindow", equalTo(4));
    }
}
