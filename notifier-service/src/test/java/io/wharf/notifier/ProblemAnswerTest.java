package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static io.wharf.problem.ProblemAssertions.problem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Tokens;

/** Every refusal of the subscriptions API is an RFC 9457 problem with a stable code, whatever refused it. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class ProblemAnswerTest {

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    @Test
    void malformedJsonIsABadRequestThatSaysWhere() {
        problem(as(Tokens.admin()).body("{\"name\": \"x\",").post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("detail", containsString("not valid JSON"));
    }

    @Test
    void anUnknownEnumValueNamesTheFieldAndTheAllowedValues() {
        problem(as(Tokens.admin()).body(Map.of("name", "x", "scope", "galaxy", "channel", "webhook", "url", "http://127.0.0.1:9/"))
                .post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("scope"))
                .body("errors[0].message", containsString("GLOBAL, PROJECT, REPOSITORY"));
    }

    @Test
    void constraintViolationsNameEachField() {
        Map<String, Object> bad = Map.of("name", " ", "scope", "project", "project", "Not_A_Project!", "channel", "email",
                "recipients", java.util.List.of("ops@example.com"), "digestIntervalSeconds", 0);
        problem(as(Tokens.admin()).body(bad).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("project"))
                .body("errors.field", hasItem("digestIntervalSeconds"))
                .body("errors.find { it.field == 'digestIntervalSeconds' }.message", equalTo("must be at least 1"))
                .body("detail", containsString("project: must be 2–64 lowercase letters"));
    }

    @Test
    void aHeaderTheDeliveryWritesIsRefusedByName() {
        Map<String, Object> hook = Map.of("name", "x", "scope", "project", "project", "problems", "channel", "webhook",
                "url", "http://127.0.0.1:9/hook", "headers", Map.of("Webhook-Signature", "forged"));
        problem(as(Tokens.member("max", "problems", "maintainer")).body(hook).post("/api/v1/subscriptions").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("headers[Webhook-Signature]"))
                .body("errors[0].message", startsWith("cannot be set"));
    }

    @Test
    void missingOrBadCredentialsAre401WithTheBearerChallenge() {
        problem(given().get("/api/v1/subscriptions").then(), 401, "UNAUTHORIZED").header("WWW-Authenticate", startsWith("Bearer"));
        problem(as(Tokens.signedByAnotherKey()).get("/api/v1/subscriptions").then(), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void forbiddenAndNotFoundCarryTheirCodes() {
        problem(as(Tokens.member("mia", "acme", "developer")).get("/api/v1/subscriptions?project=elsewhere").then(), 403, "FORBIDDEN")
                .body("detail", containsString("elsewhere"));
        problem(as(Tokens.admin()).get("/api/v1/subscriptions/" + UUID.randomUUID()).then(), 404, "NOT_FOUND");
        problem(as(Tokens.admin()).get("/api/v1/subscriptions/not-a-uuid").then(), 404, "NOT_FOUND");
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        problem(given().auth().oauth2(Tokens.admin()).contentType(ContentType.TEXT).body("name=x").post("/api/v1/subscriptions").then(),
                415, "UNSUPPORTED_MEDIA_TYPE");
    }
}
