package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import io.wharf.problem.OpenApiContract;

/** The notifier's OpenAPI document lists the statuses its API answers. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class OpenApiMatchesAnswersTest {

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON);
    }

    @Test
    void everyStatusTheApiAnswersIsDocumented() {
        OpenApiContract api = OpenApiContract.load();
        String project = Api.project("openapi");
        api.sweep(() -> given(), (method, template) -> true);
        api.sweep(() -> given().auth().oauth2(Tokens.member("dev", project, "developer")), (method, template) -> true);
        api.sweep(() -> given().auth().oauth2(Tokens.admin()), (method, template) -> method.equals("GET") || template.contains("{"));

        String id = api.call(admin().body(Map.of("name", "openapi", "scope", "PROJECT", "project", project, "channel", "WEBHOOK",
                "url", "http://127.0.0.1:9/hook")), "POST", "/api/v1/subscriptions", "/api/v1/subscriptions")
                .then().statusCode(201).extract().path("id");
        api.call(admin().body("{\"name\": "), "POST", "/api/v1/subscriptions", "/api/v1/subscriptions").then().statusCode(400);
        api.call(given().auth().oauth2(Tokens.member("dev", project, "developer")), "DELETE", "/api/v1/subscriptions/{id}",
                "/api/v1/subscriptions/" + id).then().statusCode(403);
        api.call(admin(), "POST", "/api/v1/subscriptions/{id}/test", "/api/v1/subscriptions/" + id + "/test").then().statusCode(202);
        api.call(admin(), "POST", "/api/v1/subscriptions/{id}/deliveries/redeliver", "/api/v1/subscriptions/" + id + "/deliveries/redeliver")
                .then().statusCode(202);
        api.call(admin(), "POST", "/api/v1/subscriptions/{id}/secret", "/api/v1/subscriptions/" + id + "/secret").then().statusCode(200);
        api.call(admin(), "DELETE", "/api/v1/subscriptions/{id}", "/api/v1/subscriptions/" + id).then().statusCode(204);

        assertFalse(api.observed().isEmpty());
        assertEquals(List.of(), api.undocumented(), "answers the OpenAPI document does not list");
    }
}
