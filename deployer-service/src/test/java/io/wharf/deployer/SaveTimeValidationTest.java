package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static io.wharf.problem.ProblemAssertions.problem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.Tokens;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.outbound.SaveTimeCases;

/**
 * An HTTP hook target is refused when it is saved if it could never be called, by the rules the
 * notifier applies to webhooks (io.wharf.outbound.OutboundRules): header names and values, the
 * number of headers, sizes, and targets the SSRF guard refuses; every refusal a readable problem. The
 * notifier's SaveTimeValidationTest asks the same questions (SaveTimeCases).
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class SaveTimeValidationTest {

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON);
    }

    private static Map<String, Object> hook(String endpoint, Map<String, Object> settings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "h-" + UUID.randomUUID().toString().substring(0, 8));
        body.put("kind", "http");
        body.put("endpoint", endpoint);
        body.put("settings", settings);
        body.put("grants", List.of(Map.of("project", Api.project())));
        return body;
    }

    @Test
    void refusesHeadersThatCouldNeverBeSent() {
        for (Map<String, String> headers : SaveTimeCases.UNSENDABLE_HEADERS) {
            problem(admin().body(hook(SaveTimeCases.LOOPBACK_TARGET, Map.of("headers", headers))).post("/api/v1/targets").then(),
                    400, "INVALID_REQUEST").body("detail", containsString("header"));
        }
        problem(admin().body(hook(SaveTimeCases.LOOPBACK_TARGET, Map.of("headers", SaveTimeCases.tooManyHeaders()))).post("/api/v1/targets")
                .then(), 400, "INVALID_REQUEST").body("detail", containsString(SaveTimeCases.TOO_MANY_HEADERS));
    }

    @Test
    void refusesTargetsTheGuardWouldRefuseAtSendTime() {
        for (String url : SaveTimeCases.PRIVATE_TARGETS) {
            problem(admin().body(hook(url, Map.of())).post("/api/v1/targets").then(), 400, "INVALID_REQUEST")
                    .body("detail", containsString(SaveTimeCases.PRIVATE_TARGET));
        }
        problem(admin().body(hook(SaveTimeCases.TOO_LONG_URL, Map.of())).post("/api/v1/targets").then(), 400, "INVALID_REQUEST");
        // Loopback stays allowed where the configuration allows it (wharf.deployer.outbound.allowed-networks, as the notifier's).
        admin().body(hook(SaveTimeCases.LOOPBACK_TARGET, Map.of("headers", Map.of("X-Team", "blue")))).post("/api/v1/targets").then()
                .statusCode(201);
    }

    @Test
    void refusesAHugeNameWithAProblem() {
        Map<String, Object> body = hook(SaveTimeCases.LOOPBACK_TARGET, Map.of());
        body.put("name", SaveTimeCases.HUGE_NAME);
        problem(admin().body(body).post("/api/v1/targets").then(), 400, "INVALID_REQUEST");
    }

    @Test
    void malformedJsonAndUnknownValuesAreReadableProblems() {
        problem(admin().body("{\"name\": \"x\", \"kind\": ").post("/api/v1/targets").then(), 400, "INVALID_REQUEST")
                .body("detail", containsString("not valid JSON"));
        problem(admin().body("{\"name\": \"x\", \"kind\": \"http\", \"endpoint\": \"http://127.0.0.1:9/\", \"allowWharf\": \"maybe\"}")
                .post("/api/v1/targets").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("allowWharf"));
        problem(admin().body(hook("http://127.0.0.1:9/hook", Map.of())).body("[1, 2]").post("/api/v1/targets").then(), 400, "INVALID_REQUEST");
        problem(admin().body(Map.of("name", "x", "kind", "ftp", "endpoint", "x")).post("/api/v1/targets").then(), 400, "INVALID_REQUEST")
                .body("detail", containsString("known: "));
        problem(admin().body(Map.of("repository", "a/b", "tagPolicy", Map.of("kind", "sometimes", "value", "x"), "target", "t"))
                .post("/api/v1/rules").then(), 400, "INVALID_REQUEST");
        problem(admin().get("/api/v1/deployments?state=bogus").then(), 400, "INVALID_REQUEST");
    }
}
