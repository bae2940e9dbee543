package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Tokens;

/** The management API: who may do what with subscriptions, and what is never shown again. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class SubscriptionApiTest {

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> webhook(String scope, String project, String url) {
        return Map.of("name", "ci hook", "scope", scope, "project", project, "channel", "webhook", "url", url,
                "headers", Map.of("Authorization", "Bearer very-secret"));
    }

    @Test
    void refusesRequestsWithoutAValidToken() {
        given().get("/api/v1/subscriptions").then().statusCode(401);
        as(Tokens.signedByAnotherKey()).get("/api/v1/subscriptions").then().statusCode(401);
        as(Tokens.forAnotherAudience()).get("/api/v1/subscriptions").then().statusCode(401);
        as(Tokens.expired()).get("/api/v1/subscriptions").then().statusCode(401);
        as(Tokens.admin()).get("/api/v1/subscriptions").then().statusCode(200);
        as(Tokens.adminWithKeyId()).get("/api/v1/subscriptions").then().statusCode(200);
    }

    @Test
    void onlySystemAdminsManageGlobalSubscriptions() {
        Map<String, Object> global = Map.of("name", "all", "scope", "global", "channel", "webhook",
                "url", "http://127.0.0.1:9/hook");
        as(Tokens.member("mia", "acme", "projectAdmin")).body(global).post("/api/v1/subscriptions").then().statusCode(403);
        String id = as(Tokens.admin()).body(global).post("/api/v1/subscriptions")
                .then().statusCode(201).body("scope", equalTo("GLOBAL")).extract().path("id");
        as(Tokens.member("mia", "acme", "projectAdmin")).get("/api/v1/subscriptions/" + id).then().statusCode(403);
        as(Tokens.member("mia", "acme", "projectAdmin")).get("/api/v1/subscriptions")
                .then().statusCode(200).body("id", not(hasItem(id)));
        as(Tokens.admin()).delete("/api/v1/subscriptions/" + id).then().statusCode(204);
    }

    @Test
    void projectManagersManageAndMembersRead() {
        String id = as(Tokens.member("max", "roles", "maintainer")).body(webhook("project", "roles", "http://127.0.0.1:9/hook"))
                .post("/api/v1/subscriptions")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/subscriptions/"))
                .body("owner", equalTo("max"))
                .body("secret", startsWith("whsec_"))
                .extract().path("id");
        String path = "/api/v1/subscriptions/" + id;

        for (String role : List.of("developer", "guest", "projectAdmin")) {
            as(Tokens.member("u", "roles", role)).get(path).then().statusCode(200).body("id", equalTo(id));
        }
        as(Tokens.member("u", "roles", "limitedGuest")).get(path).then().statusCode(403);
        as(Tokens.member("u", "other", "projectAdmin")).get(path).then().statusCode(403);
        as(Tokens.member("u", "roles", "limitedGuest")).get("/api/v1/subscriptions?project=roles").then().statusCode(403);
        as(Tokens.member("u", "roles", "developer")).get("/api/v1/subscriptions?project=roles")
                .then().statusCode(200).body("id", hasItem(id));

        as(Tokens.member("dev", "roles", "developer")).body(webhook("project", "roles", "http://127.0.0.1:9/other"))
                .post("/api/v1/subscriptions").then().statusCode(403);
        as(Tokens.member("dev", "roles", "developer")).post(path + "/test").then().statusCode(403);
        as(Tokens.member("dev", "roles", "guest")).delete(path).then().statusCode(403);
        as(Tokens.member("pa", "roles", "projectAdmin")).post(path + "/deliveries/redeliver").then().statusCode(202);
        as(Tokens.member("pa", "roles", "projectAdmin")).delete(path).then().statusCode(204);
        as(Tokens.admin()).get(path).then().statusCode(404);
    }

    @Test
    void secretsAreShownOnceAndRotationShowsTheNewOne() {
        String token = Tokens.member("max", "secrets", "maintainer");
        String id = as(token).body(webhook("project", "secrets", "http://127.0.0.1:9/hook?token=abc"))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id");
        as(token).get("/api/v1/subscriptions/" + id)
                .then().statusCode(200)
                .body("secret", nullValue())
                .body("headers.Authorization", equalTo("********"))
                .body("url", equalTo("http://127.0.0.1:9/hook?********"))
                .body(not(containsString("very-secret")));
        as(token).post("/api/v1/subscriptions/" + id + "/secret")
                .then().statusCode(200).body("secret", startsWith("whsec_"));
        as(token).get("/api/v1/subscriptions").then().body(not(containsString("whsec_")));
    }

    @Test
    void repositorySubscriptionsStayWithinTheirProject() {
        String token = Tokens.member("max", "scoped", "maintainer");
        Map<String, Object> outside = Map.of("name", "x", "scope", "repository", "repository", "elsewhere/*",
                "channel", "webhook", "url", "http://127.0.0.1:9/hook");
        as(token).body(outside).post("/api/v1/subscriptions").then().statusCode(403);
        Map<String, Object> inside = Map.of("name", "x", "scope", "repository", "repository", "scoped/api-*",
                "eventTypes", List.of("artifact.pushed"), "tagPattern", "v[0-9]+", "tagPatternSyntax", "regex",
                "channel", "webhook", "url", "http://127.0.0.1:9/hook");
        as(token).body(inside).post("/api/v1/subscriptions").then().statusCode(201)
                .body("project", equalTo("scoped"))
                .body("eventTypes", equalTo(List.of("io.wharf.artifact.pushed")));
    }

    @Test
    void rejectsInvalidDefinitions() {
        String token = Tokens.member("max", "invalid", "maintainer");
        as(token).body(Map.of("name", "x", "scope", "project", "project", "invalid", "channel", "webhook",
                "url", "ftp://example.com/")).post("/api/v1/subscriptions").then().statusCode(400);
        as(token).body(Map.of("name", "x", "scope", "project", "project", "invalid", "channel", "webhook",
                "url", "http://127.0.0.1:9/", "tagPattern", "([", "tagPatternSyntax", "regex"))
                .post("/api/v1/subscriptions").then().statusCode(400).body("code", equalTo("INVALID_REQUEST")).body("detail", containsString("regular expression"));
        as(token).body(Map.of("name", "x", "scope", "project", "project", "invalid", "channel", "webhook",
                "url", "http://127.0.0.1:9/", "eventTypes", List.of("deployment.started")))
                .post("/api/v1/subscriptions").then().statusCode(400);
        as(token).body(Map.of("name", "x", "scope", "project", "project", "invalid", "channel", "email"))
                .post("/api/v1/subscriptions").then().statusCode(400);
    }

    @Test
    void namesAndPatternsFollowTheRegistrysGrammar() {
        // The registry accepts my--team as a project: so do its subscriptions.
        String token = Tokens.member("max", "my--team", "maintainer");
        as(token).body(webhook("project", "my--team", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions")
                .then().statusCode(201).body("project", equalTo("my--team"));
        as(token).body(Map.of("name", "x", "scope", "repository", "repository", "my--team/**", "tagPattern", "v*",
                "channel", "webhook", "url", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions")
                .then().statusCode(201).body("repository", equalTo("my--team/**"));
        as(token).body(Map.of("name", "x", "scope", "repository", "repository", "my--team/App-*",
                "channel", "webhook", "url", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions")
                .then().statusCode(400).body("detail", containsString("not a valid repository pattern"));
        as(token).body(Map.of("name", "x", "scope", "repository", "repository", "my--team/" + "*".repeat(300),
                "channel", "webhook", "url", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions")
                .then().statusCode(400).body("errors.field", hasItem("repository"));
        as(token).body(Map.of("name", "x", "scope", "project", "project", "my--team", "tagPattern", "v" + "?".repeat(300),
                "channel", "webhook", "url", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions")
                .then().statusCode(400).body("errors.field", hasItem("tagPattern"));
        as(token).body(webhook("project", "my___team", "http://127.0.0.1:9/hook")).post("/api/v1/subscriptions")
                .then().statusCode(400).body("errors.field", hasItem("project"));
    }

    @Test
    void refusesTargetsOnPrivateOrMetadataAddresses() {
        String token = Tokens.member("max", "ssrf", "maintainer");
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://10.1.2.3/hook",
                "http://192.168.1.1/hook", "http://127.0.0.2:8080/hook", "http://[::1]:8080/hook", "http://0.0.0.0/")) {
            as(token).body(webhook("project", "ssrf", url)).post("/api/v1/subscriptions")
                    .then().statusCode(400).body("detail", containsString("private or reserved"));
        }
    }

    @Test
    void publishesTheApiInOpenApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/subscriptions'", notNullValue())
                .body("paths.'/api/v1/deliveries/{id}/redeliver'", notNullValue());
    }
}
