package io.wharf.registry;

import static io.wharf.problem.ProblemAssertions.problem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Every refusal of the management API ({@code /api/v1}) is an RFC 9457 problem with the registry's
 * stable codes; the OCI API keeps its own error body ({@link ErrorsTest}).
 */
@QuarkusTest
class ProblemAnswerTest {

    private static RequestSpecification admin() {
        return Admin.given().contentType(ContentType.JSON);
    }

    @Test
    void malformedJsonIsABadRequest() {
        problem(admin().body("{\"name\": ").post("/api/v1/projects").then(), 400, "INVALID_REQUEST")
                .body("detail", containsString("not valid JSON"));
    }

    @Test
    void aValueOfTheWrongTypeNamesTheField() {
        problem(admin().body(Map.of("name", "typed-" + Oci.suffix(), "isPublic", "maybe")).post("/api/v1/projects").then(),
                400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("isPublic"))
                .body("errors[0].message", equalTo("must be true or false"));
    }

    @Test
    void constraintViolationsNameEachField() {
        problem(admin().body(Map.of("name", "Not A Name")).post("/api/v1/projects").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", containsString("lowercase letters, digits and separators"));
        String project = Accounts.project("robots", false);
        problem(admin().body(Map.of("name", "", "permissions", List.of(), "description", "d".repeat(1025)))
                .post("/api/v1/projects/" + project + "/robots").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("permissions"))
                .body("errors.field", hasItem("description"));
        problem(admin().body(Map.of("name", "ci", "expiresInDays", -1)).post("/api/v1/users/me/tokens").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("expiresInDays"))
                .body("errors[0].message", equalTo("must not be negative"));
        problem(admin().body(Map.of("username", "x", "password", "short")).post("/api/v1/users").then(), 400, "INVALID_REQUEST")
                .body("errors.field", hasItem("username"))
                .body("errors.field", hasItem("password"));
    }

    /** The request records' constraints own single-field rules: the services repeat none of them. */
    @Test
    void robotNamesAndExpiriesAreCheckedByTheRequestConstraints() {
        String project = Accounts.project("robot-names", false);
        problem(admin().body(Map.of("name", "-ci-", "permissions", List.of("pull"))).post("/api/v1/projects/" + project + "/robots").then(),
                400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", containsString("starting and ending with a letter or digit"));
        problem(admin().body(Map.of("name", "ci", "permissions", List.of("pull"), "expiresInDays", -1))
                .post("/api/v1/projects/" + project + "/robots").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("expiresInDays"));
        Admin.given().get("/api/v1/projects/" + project + "/robots").then().statusCode(200).body("size()", equalTo(0));
        problem(admin().body(Map.of("password", "short")).put("/api/v1/users/admin/password").then(), 400, "INVALID_REQUEST")
                .body("errors[0].field", equalTo("password"))
                .body("errors[0].message", equalTo("must have at least 8 characters (at most 1024)"));
    }

    @Test
    void aMissingBodyIsABadRequestThatSaysSo() {
        for (String path : List.of("/api/v1/projects", "/api/v1/users", "/api/v1/users/me/tokens",
                "/api/v1/projects/" + Accounts.project("bodiless", false) + "/robots")) {
            problem(admin().post(path).then(), 400, "INVALID_REQUEST")
                    .body("errors[0].message", equalTo("a JSON body is required"));
        }
    }

    @Test
    void missingOrWrongCredentialsAre401WithTheBasicChallenge() {
        problem(Oci.anonymous().get("/api/v1/users/me").then(), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", "Basic realm=\"wharf\"");
        problem(Accounts.as("admin", "wrong-password").get("/api/v1/users/me").then(), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", "Basic realm=\"wharf\"");
    }

    @Test
    void deniedMissingAndConflictingRequestsCarryTheirCodes() {
        problem(Accounts.as(Accounts.user("plain")).get("/api/v1/users").then(), 403, "DENIED");
        problem(Admin.given().get("/api/v1/projects/none-" + Oci.suffix()).then(), 404, "NOT_FOUND");
        String project = Accounts.project("twice", false);
        problem(admin().body(Map.of("name", project)).post("/api/v1/projects").then(), 409, "CONFLICT")
                .body("detail", containsString(project));
    }

    @Test
    void jaxRsRefusalsAreProblemsToo() {
        problem(Admin.given().contentType(ContentType.TEXT).body("name=x").post("/api/v1/projects").then(), 415, "UNSUPPORTED_MEDIA_TYPE");
        problem(Admin.given().patch("/api/v1/users").then(), 405, "METHOD_NOT_ALLOWED");
    }
}
