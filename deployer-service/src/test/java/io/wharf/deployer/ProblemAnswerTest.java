package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static io.wharf.problem.ProblemAssertions.problem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashMap;
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

/** Every refusal of the deployer's API is an RFC 9457 problem with a stable code, whatever refused it. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class ProblemAnswerTest {

    /** A valid rule of {@code project} but for {@code key}. */
    private static Map<String, Object> rule(String project, String key, Object value) {
        Map<String, Object> rule = new HashMap<>(Api.fakeRule(project + "/api", "exact", "main", project, Map.of()));
        rule.put(key, value);
        return rule;
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    @Test
    void malformedJsonIsABadRequest() {
        problem(as(Tokens.systemAdmin()).body("{\"repository\": ").post("/api/v1/rules").then(), 400, "INVALID_REQUEST")
                .body("detail", containsString("not valid JSON"));
    }

    @Test
    void aValueOfTheWrongTypeNamesTheField() {
        problem(as(Tokens.systemAdmin()).body(rule(Api.project(), "approvalsRequired", "many")).post("/api/v1/rules").then(),
                400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("approvalsRequired"))
                .body("errors[0].message", equalTo("must be a number"));
    }

    @Test
    void constraintViolationsNameEachField() {
        Map<String, Object> bad = rule(Api.project(), "approvalsRequired", 11);
        bad.put("target", " ");
        problem(as(Tokens.systemAdmin()).body(bad).post("/api/v1/rules").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("approvalsRequired"))
                .body("errors.field", hasItem("target"))
                .body("errors.find { it.field == 'approvalsRequired' }.message", equalTo("must be between 0 and 10"));
    }

    @Test
    void unauthorizedForbiddenAndNotFoundCarryTheirCodes() {
        String project = Api.project();
        problem(given().get("/api/v1/rules").then(), 401, "UNAUTHORIZED").header("WWW-Authenticate", startsWith("Bearer"));
        problem(as(Tokens.signedWithOtherKey()).get("/api/v1/rules").then(), 401, "UNAUTHORIZED");
        problem(as(Tokens.user("dev", project, "developer")).body(rule(project, "name", "x")).post("/api/v1/rules").then(), 403, "FORBIDDEN");
        problem(as(Tokens.systemAdmin()).get("/api/v1/rules/" + UUID.randomUUID()).then(), 404, "NOT_FOUND");
    }
}
