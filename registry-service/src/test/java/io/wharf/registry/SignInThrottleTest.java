package io.wharf.registry;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Password guessing backs off (issue 21, sign-in throttling): after too many failures for an account
 * or from an address within the window, sign-ins are refused with 429 and {@code Retry-After} on the
 * management API, {@code /token} and Basic on {@code /v2/}, without checking the credentials, even
 * right ones; an administrator can unlock the account. Before, every guess was checked (a bcrypt hash
 * each) and answered 401, however many came.
 */
@QuarkusTest
@TestProfile(SignInThrottleTest.SmallLimits.class)
class SignInThrottleTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.auth.sign-in.max-failures", "3", "wharf.auth.sign-in.max-failures-per-address", "8",
                    "wharf.auth.sign-in.window", "15m");
        }
    }

    @BeforeEach
    void forgetEarlierFailures() {
        TestDatabase.execute("delete from sign_in_failure"); // other classes of this run guessed from the same address
    }

    private static Response apiAs(String user, String password) {
        return Accounts.as(user, password).get("/api/v1/users/me");
    }

    @Test
    void anAccountIsThrottledAfterItsFailuresEvenWithTheRightPasswordUntilUnlocked() {
        String user = Accounts.user("guessed");
        for (int i = 0; i < 3; i++) {
            apiAs(user, "wrong-" + i).then().statusCode(401);
        }
        // The fourth try is refused before the password is looked at, on every way in.
        Response refused = apiAs(user, Accounts.PASSWORD);
        refused.then().statusCode(429).body("code", equalTo("TOO_MANY_REQUESTS")).body("detail", containsString("failed sign-ins"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 800 && retryAfter <= 900, "about the 15 minute window: " + retryAfter);
        Oci.assertError(Accounts.as(user, Accounts.PASSWORD).get("/v2/"), 429, "TOOMANYREQUESTS").header("Retry-After", org.hamcrest.Matchers.notNullValue());
        RestAssured.given().auth().preemptive().basic(user, Accounts.PASSWORD).get("/token?service=wharf-registry")
                .then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("errors[0].code", equalTo("TOOMANYREQUESTS"));
        RestAssured.given().formParam("grant_type", "password").formParam("username", user).formParam("password", Accounts.PASSWORD)
                .formParam("service", "wharf-registry").post("/token").then().statusCode(429);
        TestDatabase.awaitRow("select 1 from sign_in_failure where subject = 'account:" + user + "' having count(*) = 3");
        // The audit log has the three failures and the one lock; the refused tries were not checked, so they are no failures.
        Admin.given().queryParam("action", "sign-in.").queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .body("records.findAll { it.subject == '" + user + "' }.action",
                        org.hamcrest.Matchers.contains("sign-in.locked", "sign-in.failed", "sign-in.failed", "sign-in.failed"))
                .body("records.find { it.action == 'sign-in.locked' && it.subject == '" + user + "' }.outcome", equalTo("refused"));

        // An ordinary user cannot unlock it; an administrator can, and then the right password works at once.
        Accounts.as(Accounts.user("other"), Accounts.PASSWORD).delete("/api/v1/users/" + user + "/sign-in-failures").then().statusCode(403);
        apiAs(user, Accounts.PASSWORD).then().statusCode(429);
        Admin.given().delete("/api/v1/users/" + user + "/sign-in-failures").then().statusCode(204);
        apiAs(user, Accounts.PASSWORD).then().statusCode(200).body("username", equalTo(user));
    }

    /** A management write whose sign-in is throttled is answered 429 before its body is read, like a refused one (401). */
    @Test
    void aThrottledWriteIsRefusedBeforeItsBodyIsSent() throws Exception {
        String user = Accounts.user("writer");
        for (int i = 0; i < 3; i++) {
            String answer = ApiBodyLimitTest.answerToHeadOnly("POST", "/api/v1/projects", "application/json", 900 * 1024, basic(user, "wrong-" + i));
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        }
        String answer = ApiBodyLimitTest.answerToHeadOnly("POST", "/api/v1/projects", "application/json", 900 * 1024, basic(user, Accounts.PASSWORD));
        assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        assertTrue(answer.contains("Retry-After: "), answer);
        assertTrue(answer.contains("failed sign-ins"), answer);
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aSuccessClearsTheAccountsFailures() {
        String user = Accounts.user("forgetful");
        apiAs(user, "wrong-1").then().statusCode(401);
        apiAs(user, "wrong-2").then().statusCode(401);
        apiAs(user, Accounts.PASSWORD).then().statusCode(200);
        apiAs(user, "wrong-3").then().statusCode(401);
        apiAs(user, "wrong-4").then().statusCode(401);
        Oci.assertError(Accounts.as(user, "wrong-5").get("/v2/"), 401, "UNAUTHORIZED");
        apiAs(user, "wrong-6").then().statusCode(429);
    }

    @Test
    void anAddressGuessingAcrossAccountsIsThrottledButRememberedSignInsKeepWorking() {
        String victim = Accounts.user("victim");
        apiAs(victim, Accounts.PASSWORD).then().statusCode(200); // signed in: its credentials are remembered
        for (int i = 0; i < 8; i++) {
            apiAs("nobody-" + i + "-" + Oci.suffix(), "guess").then().statusCode(401);
        }
        Response refused = apiAs(Accounts.user("late"), Accounts.PASSWORD);
        assertEquals(429, refused.statusCode(), "the ninth sign-in from this address to check: " + refused.asString());
        apiAs(victim, Accounts.PASSWORD).then().statusCode(200);
    }
}
