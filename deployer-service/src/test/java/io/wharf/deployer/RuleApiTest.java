package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.Tokens;
import io.wharf.infra.WharfInfraTestResource;

/** The rules API: validation, who may do what. Targets and their secrets: {@link TargetApiTest}. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class RuleApiTest {

    private static Map<String, Object> rule(String project) {
        return Api.fakeRule(project + "/api", "semver", "^1.0.0", project, Map.of("debounce", "30s",
                "window", Map.of("days", List.of("mon", "Tuesday"), "start", "09:00", "end", "17:00")));
    }

    @Test
    void createsReadsReplacesAndDeletesARule() {
        String project = Api.project();
        String admin = Tokens.user("ann", project, "projectAdmin");
        String id = given().auth().oauth2(admin).contentType(ContentType.JSON).body(rule(project))
                .post("/api/v1/rules").then().statusCode(201)
                .header("Location", containsString("/api/v1/rules/"))
                .body("project", equalTo(project))
                .body("tagPolicy.kind", equalTo("semver"))
                .body("target.kind", equalTo("test-fake"))
                .body("debounce", equalTo("30s"))
                .body("window.days", equalTo(List.of("MON", "TUE")))
                .body("enabled", equalTo(true))
                .body("createdBy", equalTo("ann"))
                .extract().path("id");

        given().auth().oauth2(Tokens.user("gus", project, "guest")).get("/api/v1/rules/" + id)
                .then().statusCode(200).body("repository", equalTo(project + "/api"));
        given().auth().oauth2(Tokens.user("gus", project, "guest")).get("/api/v1/rules?project=" + project)
                .then().statusCode(200).body("id", hasItem(id));

        Map<String, Object> changed = new HashMap<>(rule(project));
        changed.put("enabled", false);
        changed.put("approvalsRequired", 2);
        given().auth().oauth2(Tokens.user("max", project, "maintainer")).contentType(ContentType.JSON).body(changed)
                .put("/api/v1/rules/" + id).then().statusCode(200)
                .body("enabled", equalTo(false)).body("approvalsRequired", equalTo(2));

        given().auth().oauth2(admin).delete("/api/v1/rules/" + id).then().statusCode(204);
        given().auth().oauth2(admin).get("/api/v1/rules/" + id).then().statusCode(404);
    }

    @Test
    void refusesInvalidRulesWithAClearMessageAndStoresNothing() {
        String project = Api.project();
        List<Map<String, Object>> invalid = List.of(
                Api.fakeRule(project + "/api", "semver", "banana", project, Map.of()),
                Api.fakeRule(project + "/api", "regex", "(", project, Map.of()),
                Api.fakeRule(project + "/api", "calver", "2024", project, Map.of()),
                Api.fakeRule("*/api", "exact", "main", project, Map.of()),
                Api.fakeRule("noproject", "exact", "main", project, Map.of()),
                Api.fakeRule(project + "/api", "exact", "main", "", Map.of()),
                Api.fakeRule(project + "/api", "exact", "main", project, Map.of("debounce", "soon")),
                Api.fakeRule(project + "/api", "exact", "main", project, Map.of("approvalsRequired", -1)),
                Api.fakeRule(project + "/api", "exact", "main", project, Map.of("window", Map.of("days", List.of("MON")))),
                Map.of("repository", project + "/api", "tagPolicy", Map.of("kind", "exact", "value", "main"),
                        "target", Map.of("kind", "nowhere", "settings", Map.of())));
        for (Map<String, Object> body : invalid) {
            given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON).body(body)
                    .post("/api/v1/rules").then().statusCode(400).body("code", equalTo("INVALID_REQUEST")).body("detail", notNullValue());
        }
        given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/rules?project=" + project)
                .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void letsOnlyProjectAdminsMaintainersAndSystemAdminsManageRules() {
        String project = Api.project();
        for (String role : List.of("developer", "guest", "limitedGuest")) {
            given().auth().oauth2(Tokens.user("u", project, role)).contentType(ContentType.JSON).body(rule(project))
                    .post("/api/v1/rules").then().statusCode(403);
        }
        given().auth().oauth2(Tokens.user("u", "elsewhere", "projectAdmin")).contentType(ContentType.JSON).body(rule(project))
                .post("/api/v1/rules").then().statusCode(403);
        given().contentType(ContentType.JSON).body(rule(project)).post("/api/v1/rules").then().statusCode(401);
        given().auth().oauth2(Tokens.signedWithOtherKey()).get("/api/v1/rules").then().statusCode(401);

        String id = Api.createRule(rule(project)).getString("id");
        String developer = Tokens.user("dev", project, "developer");
        given().auth().oauth2(developer).get("/api/v1/rules/" + id).then().statusCode(200);
        given().auth().oauth2(developer).contentType(ContentType.JSON).body(rule(project)).put("/api/v1/rules/" + id)
                .then().statusCode(403);
        given().auth().oauth2(developer).delete("/api/v1/rules/" + id).then().statusCode(403);
        given().auth().oauth2(developer).contentType(ContentType.JSON).body(Map.of()).post("/api/v1/rules/" + id + "/hold")
                .then().statusCode(403);
        String limited = Tokens.user("lg", project, "limitedGuest");
        given().auth().oauth2(limited).get("/api/v1/rules/" + id).then().statusCode(404);
        given().auth().oauth2(limited).get("/api/v1/rules").then().statusCode(200).body("id", not(hasItem(id)));
        given().auth().oauth2(limited).get("/api/v1/deployments?project=" + project).then().statusCode(403);
        given().auth().oauth2(Tokens.user("x", "elsewhere", "projectAdmin")).get("/api/v1/rules/" + id).then().statusCode(404);

        given().auth().oauth2(Tokens.user("max", project, "maintainer")).contentType(ContentType.JSON)
                .body(Map.of("reason", "freeze")).post("/api/v1/rules/" + id + "/hold")
                .then().statusCode(200).body("hold.reason", equalTo("freeze"));
        given().auth().oauth2(Tokens.user("max", project, "maintainer")).delete("/api/v1/rules/" + id + "/hold")
                .then().statusCode(200).body("hold", nullValue());
    }
}
