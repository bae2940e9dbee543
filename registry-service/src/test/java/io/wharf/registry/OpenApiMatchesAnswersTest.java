package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.wharf.problem.OpenApiContract;

/** The registry's OpenAPI document lists the statuses its management API answers (creates 201, deletes 204, refusals). */
@QuarkusTest
class OpenApiMatchesAnswersTest {

    @Test
    void everyStatusTheApiAnswersIsDocumented() {
        OpenApiContract api = OpenApiContract.load();
        String user = Accounts.user("openapi");
        api.sweep(Oci::anonymous, (method, template) -> true);
        api.sweep(() -> Accounts.as(user), (method, template) -> true);
        api.sweep(Admin::given, (method, template) -> method.equals("GET") || template.contains("{"));

        String project = "oapi-" + Oci.suffix();
        api.call(Admin.given().contentType(ContentType.JSON).body(Map.of("name", project, "isPublic", false)), "POST",
                "/api/v1/projects", "/api/v1/projects").then().statusCode(201);
        api.call(Admin.given().contentType(ContentType.JSON).body(Map.of("name", project)), "POST",
                "/api/v1/projects", "/api/v1/projects").then().statusCode(409);
        api.call(Accounts.as(user), "DELETE", "/api/v1/projects/{name}", "/api/v1/projects/" + project).then().statusCode(404);
        Accounts.member(project, user, "guest");
        api.call(Accounts.as(user), "DELETE", "/api/v1/projects/{name}", "/api/v1/projects/" + project).then().statusCode(403);
        api.call(Admin.given(), "DELETE", "/api/v1/projects/{name}", "/api/v1/projects/" + project).then().statusCode(204);
        String account = "oapi-" + Oci.suffix();
        api.call(Admin.given().contentType(ContentType.JSON).body(Map.of("username", account, "password", "a-long-enough-password")),
                "POST", "/api/v1/users", "/api/v1/users").then().statusCode(201);
        api.call(Admin.given(), "DELETE", "/api/v1/users/{username}", "/api/v1/users/" + account).then().statusCode(204);

        assertFalse(api.observed().isEmpty());
        assertEquals(List.of(), api.undocumented(), "answers the OpenAPI document does not list");
    }
}
