package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static io.wharf.problem.ProblemAssertions.problem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.util.LinkedHashMap;
import java.util.List;
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

/**
 * A webhook is refused when it is saved if it could never be delivered, by the rules the deployer
 * applies to its HTTP hooks (io.wharf.outbound.OutboundRules and the SSRF guard), with the same
 * bounds and a readable problem: the deployer's SaveTimeValidationTest asks the same questions.
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
        for (Map<String, String> headers : List.of(Map.of("X-Team", "a\r\nX-Injected: 1"), Map.of("X-Team", "a\nb"),
                Map.of("X Team", "a"), Map.of("Transfer-Encoding", "chunked"), Map.of("ce-type", "x"), Map.of("X-" + "a".repeat(100), "a"),
                Map.of("X-Team", "v".repeat(4097)))) {
            problem(admin().body(webhook("http://127.0.0.1:9/hook", headers)).post("/api/v1/subscriptions").then(),
                    400, "INVALID_REQUEST").body("detail", containsString("header"));
        }
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 20_000; i++) {
            many.put("X-H" + i, "v");
        }
        problem(admin().body(webhook("http://127.0.0.1:9/hook", many)).post("/api/v1/subscriptions").then(),
                400, "INVALID_REQUEST").body("detail", containsString("at most 50 headers"));
    }

    @Test
    void refusesTargetsTheGuardWouldRefuseAtSendTime() {
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://10.0.0.1/hook", "http://[::ffff:169.254.169.254]/x",
                "http://[::ffff:a9fe:a9fe]/x", "http://0.0.0.0/x")) {
            problem(admin().body(webhook(url, Map.of())).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                    .body("detail", containsString("private or reserved address"));
        }
        problem(admin().body(webhook("http://example.com/" + "a".repeat(2100), Map.of())).post("/api/v1/subscriptions").then(),
                400, "INVALID_REQUEST");
        // Loopback stays allowed where the configuration allows it (wharf.notifier.outbound.allowed-networks, as the deployer's).
        admin().body(webhook("http://127.0.0.1:9/hook", Map.of("X-Team", "blue"))).post("/api/v1/subscriptions").then().statusCode(201);
    }

    @Test
    void refusesAHugeNameWithAProblem() {
        Map<String, Object> body = webhook("http://127.0.0.1:9/hook", Map.of());
        body.put("name", "n".repeat(5 * 1024 * 1024));
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
