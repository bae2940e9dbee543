package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import io.wharf.problem.OpenApiContract;

/** The deployer's OpenAPI document lists the statuses its API answers, and shows free-form settings as JSON objects. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class OpenApiMatchesAnswersTest {

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON);
    }

    @Test
    void everyStatusTheApiAnswersIsDocumented() {
        OpenApiContract api = OpenApiContract.load();
        String project = Api.project();
        api.sweep(() -> given(), (method, template) -> true);
        api.sweep(() -> given().auth().oauth2(Tokens.user("dev", project, "developer")), (method, template) -> true);
        api.sweep(() -> given().auth().oauth2(Tokens.systemAdmin()), (method, template) -> method.equals("GET") || template.contains("{"));

        String name = "oa-" + UUID.randomUUID().toString().substring(0, 8);
        String target = api.call(admin().body(Map.of("name", name, "kind", "http", "endpoint", "http://127.0.0.1:9/hook",
                "grants", List.of(Map.of("project", project)))), "POST", "/api/v1/targets", "/api/v1/targets")
                .then().statusCode(201).extract().path("id");
        String rule = api.call(admin().body(Map.of("repository", project + "/app", "tagPolicy", Map.of("kind", "exact", "value", "main"),
                "target", name)), "POST", "/api/v1/rules", "/api/v1/rules").then().statusCode(201).extract().path("id");
        api.call(admin().body("{\"repository\": "), "POST", "/api/v1/rules", "/api/v1/rules").then().statusCode(400);
        api.call(admin(), "DELETE", "/api/v1/targets/{id}", "/api/v1/targets/" + target).then().statusCode(409);
        api.call(admin(), "DELETE", "/api/v1/rules/{id}", "/api/v1/rules/" + rule).then().statusCode(204);
        api.call(admin(), "DELETE", "/api/v1/targets/{id}", "/api/v1/targets/" + target).then().statusCode(204);

        assertFalse(api.observed().isEmpty());
        assertEquals(List.of(), api.undocumented(), "answers the OpenAPI document does not list");
    }

    @Test
    void freeFormSettingsAreJsonObjectsNotJacksonInternals() {
        io.restassured.path.json.JsonPath document = given().accept(ContentType.JSON).get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath();
        String text = document.prettify();
        assertFalse(text.contains("nodeType") || text.contains("\"JsonNode\""), "no Jackson node internals: " + text);
        for (String schema : List.of("TargetRequest", "TargetView")) {
            Map<String, Object> settings = document.getMap("components.schemas." + schema + ".properties.settings");
            Object ref = settings.get("$ref");
            Map<String, Object> resolved = ref == null ? settings
                    : document.getMap("components.schemas." + ref.toString().substring(ref.toString().lastIndexOf('/') + 1));
            assertEquals("object", String.valueOf(resolved.get("type")).replaceAll("[\\[\\]]", ""), schema + ".settings: " + settings);
        }
    }
}
