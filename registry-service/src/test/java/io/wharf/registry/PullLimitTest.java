package io.wharf.registry;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Pull limits: a pull is a manifest GET (HEAD is free), manifest GET and HEAD responses carry the
 * RateLimit headers (other endpoints do not, as on Docker Hub), and past the limit the answer is
 * 429 TOOMANYREQUESTS. Anonymous callers are counted per address, signed-in users per account,
 * robots not at all unless configured.
 */
@QuarkusTest
@TestProfile(PullLimitTest.LowLimits.class)
class PullLimitTest {

    /** Small limits so a test can exhaust them. */
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.auth.rate-limit.anonymous", "3", "wharf.auth.rate-limit.authenticated", "2",
                    "wharf.auth.rate-limit.window", "6h");
        }
    }

    @Test
    void anonymousPullsAreCountedPerAddressAndLimited() {
        String project = Accounts.project("limits", true);
        Oci.pushImage(project + "/app", "v1");
        String path = "/v2/" + project + "/app/manifests/v1";
        // HEAD costs nothing and shows what is left.
        Oci.anonymous().head(path).then().statusCode(200).header("RateLimit-Limit", "3;w=21600").header("RateLimit-Remaining", "3;w=21600");
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
    void signedInUsersHaveTheirOwnCountAndRobotsAreUnlimited() {
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

        String[] robot = Accounts.robot(project, "puller", java.util.List.of("pull"));
        for (int i = 0; i < 5; i++) {
            Accounts.as(robot[0], robot[1]).accept(Oci.OCI_MANIFEST).get(path).then().statusCode(200);
        }
        // The counts are shared through PostgreSQL for every instance to see.
        TestDatabase.awaitRow("select pulls from pull_count where subject = 'user:" + user + "' and pulls = 2");
        Admin.given().get("/v2/").then().statusCode(200).header("RateLimit-Limit", org.hamcrest.Matchers.nullValue());
    }
}
