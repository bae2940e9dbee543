package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static io.wharf.problem.ProblemAssertions.problem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Tokens;
import io.wharf.outbound.SaveTimeCases;

/**
 * A webhook is refused when it is saved if it could never be delivered, by the rules the deployer
 * applies to its HTTP hooks (io.wharf.outbound.OutboundRules and the SSRF guard), with the same
 * bounds and a readable problem: the deployer's SaveTimeValidationTest asks the same questions (SaveTimeCases).
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class SaveTimeValidationTest {

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON);
    }

    private static Map<String, Object> webhook(String url, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "parity");
        body.put("scope", "PROJECT");
        body.put("project", Api.project("parity"));
        body.put("channel", "WEBHOOK");
        body.put("url", url);
        body.put("headers", headers);
        return body;
    }

    @Test
    void refusesHeadersThatCouldNeverBeSent() {
        for (Map<String, String> headers : SaveTimeCases.UNSENDABLE_HEADERS) {
            problem(admin().body(webhook(SaveTimeCases.LOOPBACK_TARGET, headers)).post("/api/v1/subscriptions").then(),
                    400, "INVALID_REQUEST").body("detail", containsString("header"));
        }
        problem(admin().body(webhook(SaveTimeCases.LOOPBACK_TARGET, SaveTimeCases.tooManyHeaders())).post("/api/v1/subscriptions").then(),
                400, "INVALID_REQUEST").body("detail", containsString(SaveTimeCases.TOO_MANY_HEADERS));
    }

    @Test
    void refusesTargetsTheGuardWouldRefuseAtSendTime() {
        for (String url : SaveTimeCases.PRIVATE_TARGETS) {
            problem(admin().body(webhook(url, Map.of())).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                    .body("detail", containsString(SaveTimeCases.PRIVATE_TARGET));
        }
        problem(admin().body(webhook(SaveTimeCases.TOO_LONG_URL, Map.of())).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST");
        // Loopback stays allowed where the configuration allows it (wharf.notifier.outbound.allowed-networks, as the deployer's).
        admin().body(webhook(SaveTimeCases.LOOPBACK_TARGET, Map.of("X-Team", "blue"))).post("/api/v1/subscriptions").then().statusCode(201);
    }

    @Test
    void refusesAHugeNameWithAProblem() {
        Map<String, Object> body = webhook(SaveTimeCases.LOOPBACK_TARGET, Map.of());
        body.put("name", SaveTimeCases.HUGE_NAME);
        problem(admin().body(body).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST");
    }

    @Test
    void malformedJsonAndUnknownValuesAreReadableProblems() {
        problem(admin().body("{\"name\": \"x\", \"scope\": ").post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("detail", containsString("not valid JSON"));
        Map<String, Object> body = webhook("http://127.0.0.1:9/hook", Map.of());
        body.put("payloadFormat", "XML");
        problem(admin().body(body).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("payloadFormat"));
        body = webhook("http://127.0.0.1:9/hook", Map.of());
        body.put("enabled", "maybe");
        problem(admin().body(body).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("enabled"));
        problem(admin().body("[1, 2]").post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST");
    }
}
