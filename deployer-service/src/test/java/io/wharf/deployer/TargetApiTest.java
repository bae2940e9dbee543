package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.Tokens;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.outbound.SecretBox;

/** The targets API: who may define and read targets, validation, credentials sealed, masked and tied to their endpoint. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class TargetApiTest {

    @Inject
    Pool database;

    @ConfigProperty(name = "wharf.deployer.secrets-key")
    String secretsKey;

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON);
    }

    private static String name() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> kubernetes(String name, String project) {
        return Map.of("name", name, "kind", "kubernetes", "endpoint", "in-cluster",
                "grants", List.of(Map.of("project", project, "namespaces", List.of(project + "-*"), "workloads", "web-*")));
    }

    @Test
    void createsReadsReplacesAndDeletesATarget() {
        String project = Api.project();
        String name = name();
        String id = admin().body(kubernetes(name, project)).post("/api/v1/targets").then().statusCode(201)
                .header("Location", containsString("/api/v1/targets/"))
                .body("kind", equalTo("kubernetes")).body("endpoint", equalTo("in-cluster")).body("allowWharf", equalTo(false))
                .body("grants[0].namespaces", equalTo(List.of(project + "-*"))).body("secret", nullValue())
                .extract().path("id");
        admin().get("/api/v1/targets/" + id).then().statusCode(200).body("name", equalTo(name));
        admin().get("/api/v1/targets").then().statusCode(200).body("name", hasItem(name));
        admin().body(kubernetes(name, project)).post("/api/v1/targets").then().statusCode(409).body("code", equalTo("CONFLICT"));

        Map<String, Object> changed = new HashMap<>(kubernetes(name, project));
        changed.put("endpoint", "kubeconfig:prod");
        admin().body(changed).put("/api/v1/targets/" + id).then().statusCode(200).body("endpoint", equalTo("kubeconfig:prod"));
        changed.put("kind", "docker");
        admin().body(changed).put("/api/v1/targets/" + id).then().statusCode(400).body("detail", containsString("kind cannot change"));

        String rule = Api.createRule(Map.of("repository", project + "/web", "tagPolicy", Map.of("kind", "exact", "value", "prod"),
                "target", name, "workload", Map.of("workload", "Deployment", "namespace", project + "-a", "name", "web-1",
                        "container", "app"))).getString("id");
        admin().delete("/api/v1/targets/" + id).then().statusCode(409).body("detail", containsString("1 rule"));
        admin().delete("/api/v1/rules/" + rule).then().statusCode(204);
        admin().delete("/api/v1/targets/" + id).then().statusCode(204);
        admin().get("/api/v1/targets/" + id).then().statusCode(404);
    }

    @Test
    void onlySystemAdminsDefineTargetsAndMembersSeeOnlyWhatTheirProjectMayUse() {
        String project = Api.project();
        String other = Api.project();
        String name = name();
        Map<String, Object> body = Map.of("name", name, "kind", "docker", "endpoint", "tcp://10.0.0.5:2375",
                "grants", List.of(Map.of("project", project, "containers", "web-*"), Map.of("project", other, "containers", "*")));
        String projectAdmin = Tokens.user("ann", project, "projectAdmin");
        given().auth().oauth2(projectAdmin).contentType(ContentType.JSON).body(body).post("/api/v1/targets").then().statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
        given().contentType(ContentType.JSON).body(body).post("/api/v1/targets").then().statusCode(401);
        String id = admin().body(body).post("/api/v1/targets").then().statusCode(201).extract().path("id");
        given().auth().oauth2(projectAdmin).contentType(ContentType.JSON).body(body).put("/api/v1/targets/" + id).then().statusCode(403);
        given().auth().oauth2(projectAdmin).delete("/api/v1/targets/" + id).then().statusCode(403);

        String guest = Tokens.user("gus", project, "guest");
        given().auth().oauth2(guest).get("/api/v1/targets?project=" + project).then().statusCode(200)
                .body("name", equalTo(List.of(name))).body("[0].grants.project", equalTo(List.of(project)))
                .body("[0].endpoint", nullValue()).body("[0].kind", equalTo("docker"));
        given().auth().oauth2(guest).get("/api/v1/targets").then().statusCode(200).body("name", hasItem(name))
                .body(not(containsString("10.0.0.5"))).body(not(containsString(other)));
        given().auth().oauth2(guest).get("/api/v1/targets?project=" + other).then().statusCode(403);
        given().auth().oauth2(Tokens.user("x", Api.project(), "projectAdmin")).get("/api/v1/targets/" + id).then().statusCode(404);
        given().auth().oauth2(Tokens.user("x", Api.project(), "projectAdmin")).get("/api/v1/targets").then().statusCode(200)
                .body("name", not(hasItem(name)));
    }

    @Test
    void refusesInvalidTargetsWithAClearMessageAndStoresNothing() {
        String project = Api.project();
        List<Map<String, Object>> invalid = List.of(
                Map.of("name", name(), "kind", "ftp", "endpoint", "x"),
                Map.of("name", "Not A Name", "kind", "kubernetes", "endpoint", "in-cluster"),
                Map.of("name", name(), "kind", "kubernetes", "endpoint", "https://10.0.0.1:6443"),
                Map.of("name", name(), "kind", "kubernetes", "endpoint", "in-cluster", "settings", Map.of("token", "x")),
                Map.of("name", name(), "kind", "kubernetes", "endpoint", "in-cluster", "grants", List.of(Map.of("project", project))),
                Map.of("name", name(), "kind", "kubernetes", "endpoint", "in-cluster",
                        "grants", List.of(Map.of("project", project, "namespaces", List.of("a".repeat(300))))),
                Map.of("name", name(), "kind", "kubernetes", "endpoint", "in-cluster",
                        "grants", List.of(Map.of("project", "X", "namespaces", List.of("a")))),
                Map.of("name", name(), "kind", "docker", "endpoint", "http://docker:2375"),
                Map.of("name", name(), "kind", "docker", "endpoint", "unix:///run/docker.sock", "grants", List.of(Map.of("project", project))),
                Map.of("name", name(), "kind", "docker", "endpoint", "unix:///run/docker.sock",
                        "settings", Map.of("registryAuth", Map.of("username", "robot"))),
                Map.of("name", name(), "kind", "http", "endpoint", "ftp://example.com/x"),
                Map.of("name", name(), "kind", "http", "endpoint", "https://user:pw@example.com/x"),
                Map.of("name", name(), "kind", "http", "endpoint", "https://example.com/x", "settings", Map.of("method", "DELETE")),
                Map.of("name", name(), "kind", "http", "endpoint", "https://example.com/x", "settings", Map.of("secret", "hunter2")),
                Map.of("name", name(), "kind", "http", "endpoint", "https://example.com/x",
                        "grants", List.of(Map.of("project", project, "containers", "*"))));
        for (Map<String, Object> body : invalid) {
            admin().body(body).post("/api/v1/targets").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                    .body("detail", notNullValue());
        }
        admin().get("/api/v1/targets?project=" + project).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void showsAHookSecretOnceAndKeepsItWhileTheEndpointStays() {
        String project = Api.project();
        JsonPath created = Api.createTarget("http", "https://ci.example.com/deploy?token=abc123", Map.of("headers", Map.of("X-Key", "k-1")),
                project, Map.of());
        String id = created.getString("id");
        String secret = created.getString("secret");
        assertThat(secret, startsWith("whsec_"));
        assertEquals("********", created.getString("settings.secret"));
        String shown = admin().get("/api/v1/targets/" + id).then().statusCode(200).body("secret", nullValue()).extract().asString();
        assertFalse(shown.contains(secret.substring(6)), "the secret is never shown again");

        String stored = credentials(id);
        assertFalse(stored.contains(secret.substring(6)) || stored.contains("abc123") || stored.contains("k-1"), "sealed, not in clear");
        assertThat(stored, startsWith("sealed:v1:"));

        admin().body(Map.of("name", created.getString("name"), "kind", "http", "endpoint", "https://ci.example.com/deploy?token=********",
                "settings", Map.of("secret", "********", "headers", Map.of("X-Key", "********", "X-Env", "prod")),
                "grants", List.of(Map.of("project", project)))).put("/api/v1/targets/" + id)
                .then().statusCode(200).body("secret", nullValue()).body("settings.headers.'X-Env'", equalTo("********"));
        String kept = new SecretBox(secretsKey).open(credentials(id));
        assertTrue(kept.contains(secret) && kept.contains("token=abc123") && kept.contains("k-1") && kept.contains("prod"), kept);
    }

    @Test
    void storesADockerHostsRegistryPasswordSealedAndDropsItWithANewHost() {
        String project = Api.project();
        String password = "robot-secret-" + UUID.randomUUID();
        Map<String, Object> auth = Map.of("registryAuth", Map.of("username", "robot$" + project + "+deployer", "password", password));
        JsonPath created = Api.createTarget("docker", "unix:///run/nowhere.sock", auth, project, Map.of("containers", "app"));
        String id = created.getString("id");
        assertNull(created.getString("secret"), "a password the administrator brought is not echoed");
        assertEquals("********", created.getString("settings.registryAuth.password"));
        assertFalse(admin().get("/api/v1/targets/" + id).then().statusCode(200).extract().asString().contains(password));
        assertFalse(credentials(id).contains(password), "stored sealed");

        Map<String, Object> masked = Map.of("registryAuth", Map.of("username", "robot$" + project + "+deployer", "password", "********"));
        Map<String, Object> body = new HashMap<>(Map.of("name", created.getString("name"), "kind", "docker",
                "endpoint", "unix:///run/nowhere.sock", "settings", masked, "grants", List.of(Map.of("project", project, "containers", "app"))));
        admin().body(body).put("/api/v1/targets/" + id).then().statusCode(200).body("settings.registryAuth.password", equalTo("********"));
        assertTrue(new SecretBox(secretsKey).open(credentials(id)).contains(password), "kept for the same host");

        body.put("endpoint", "tcp://10.9.9.9:2375");
        admin().body(body).put("/api/v1/targets/" + id).then().statusCode(200).body("settings.registryAuth", nullValue());
        assertNull(credentials(id), "no credential follows the target to a new host");
    }

    @Test
    void theTargetsApiIsInTheOpenApiDescription() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/targets'.post.summary", containsString("system administrators"))
                .body("paths.'/api/v1/targets/{id}'.put", notNullValue());
    }

    private String credentials(String id) {
        return database.preparedQuery("SELECT credentials FROM deploy_target WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
                .await().atMost(Api.WAIT).iterator().next().getString(0);
    }
}
