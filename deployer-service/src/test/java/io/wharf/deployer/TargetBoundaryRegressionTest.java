package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.FakeTarget;
import io.wharf.deployer.support.HookReceiver;
import io.wharf.deployer.support.Registry;
import io.wharf.deployer.support.Tokens;
import io.wharf.infra.WharfInfraTestResource;

/**
 * Issue 20, findings 1-3, tried as an ordinary account would: a fresh user's project may deploy only
 * where a system administrator granted it; a credential never follows a target to a new endpoint; no
 * reader, administrators included, gets a header value, a URL query or a secret back.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class TargetBoundaryRegressionTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> rule(String repository, String target, Map<String, Object> workload) {
        return Map.of("repository", repository, "tagPolicy", Map.of("kind", "exact", "value", "go"), "target", target,
                "workload", workload);
    }

    private static Map<String, Object> registryService(String namespace) {
        return Map.of("workload", "Deployment", "namespace", namespace, "name", "registry-service", "container", "registry-service");
    }

    @Test
    void aFreshProjectAdminCannotPointARuleAtWharfsOwnRegistryService() {
        String evil = Api.project();
        String mallory = Tokens.user("mallory", evil, "projectAdmin");
        String othersCluster = Api.createTarget("kubernetes", "in-cluster", Map.of(), Api.project(), Map.of("namespaces", List.of("*")))
                .getString("name");
        String evilsCluster = Api.createTarget("kubernetes", "in-cluster", Map.of(), evil, Map.of("namespaces", List.of("*")))
                .getString("name");
        String evilsApps = Api.createTarget("kubernetes", "kubeconfig:prod", Map.of(), evil,
                Map.of("namespaces", List.of("evil-*"), "workloads", "web-*")).getString("name");

        as(mallory).body(rule(evil + "/x", othersCluster, registryService("wharf"))).post("/api/v1/rules")
                .then().statusCode(400).body("code", equalTo("INVALID_REQUEST")).body("detail", containsString("granted to project " + evil));
        as(mallory).body(rule(evil + "/x", othersCluster, registryService("evil-apps"))).post("/api/v1/rules")
                .then().statusCode(400).body("detail", containsString("granted to project " + evil));
        as(mallory).body(rule(evil + "/x", evilsCluster, registryService("wharf"))).post("/api/v1/rules")
                .then().statusCode(400).body("detail", containsString("deployer's own"));
        as(mallory).body(rule(evil + "/x", evilsApps, registryService("evil-apps"))).post("/api/v1/rules")
                .then().statusCode(400).body("detail", containsString("workload registry-service"));
        as(mallory).body(rule(evil + "/x", evilsApps, registryService("billing"))).post("/api/v1/rules")
                .then().statusCode(400).body("detail", containsString("namespace billing"));
        as(mallory).body(rule(evil + "/x", "no-such-target", registryService("evil-apps"))).post("/api/v1/rules")
                .then().statusCode(400);
        given().auth().oauth2(mallory).get("/api/v1/rules?project=" + evil).then().statusCode(200).body("size()", equalTo(0));

        Map<String, Object> inside = Map.of("workload", "Deployment", "namespace", "evil-apps", "name", "web-1", "container", "app");
        as(mallory).body(rule(evil + "/x", evilsApps, inside)).post("/api/v1/rules").then().statusCode(201)
                .body("target.name", equalTo(evilsApps)).body("workload.namespace", equalTo("evil-apps"));
    }

    @Test
    void aFreshProjectAdminCannotPointARuleAtAnyDockerHost() {
        String evil = Api.project();
        String mallory = Tokens.user("mallory", evil, "projectAdmin");
        String othersHost = Api.createTarget("docker", "tcp://10.0.0.5:2375", Map.of(), Api.project(), Map.of("containers", "*"))
                .getString("name");
        String evilsHost = Api.createTarget("docker", "unix:///run/evil.sock", Map.of(), evil, Map.of("containers", "evil-*"))
                .getString("name");

        as(mallory).body(rule(evil + "/x", othersHost, Map.of("container", "billing"))).post("/api/v1/rules").then().statusCode(400);
        as(mallory).body(rule(evil + "/x", evilsHost, Map.of("container", "billing"))).post("/api/v1/rules").then().statusCode(400)
                .body("detail", containsString("container billing"));
        as(mallory).body(Map.of("repository", evil + "/x", "tagPolicy", Map.of("kind", "exact", "value", "go"),
                "target", Map.of("kind", "docker", "settings", Map.of("host", "tcp://10.0.0.5:2375", "container", "billing"))))
                .post("/api/v1/rules").then().statusCode(400);
        as(mallory).body(Map.of("name", "mine", "kind", "docker", "endpoint", "tcp://10.0.0.5:2375",
                "grants", List.of(Map.of("project", evil, "containers", "*")))).post("/api/v1/targets").then().statusCode(403);
        given().auth().oauth2(mallory).get("/api/v1/rules?project=" + evil).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aRuleWhoseTargetNoLongerGrantsItsWorkloadIsRefusedAtRunTime() {
        String project = Api.project();
        String repo = project + "/api";
        JsonPath target = Api.createTarget("test-fake", "fake://" + project, Map.of(), project, Map.of("containers", "*"));
        String place = project + "-run";
        String rule = Api.createRule(rule(repo, target.getString("id"), Map.of("place", place))).getString("id");

        as(Tokens.systemAdmin()).body(Map.of("name", target.getString("name"), "kind", "test-fake", "endpoint", "fake://" + project,
                "grants", List.of(Map.of("project", project, "containers", "other-*")))).put("/api/v1/targets/" + target.getString("id"))
                .then().statusCode(200);
        String digest = Registry.digest();
        Registry.send(bootstrap, Registry.pushed(repo, "go", digest));

        Map<String, Object> refused = Api.awaitState(rule, digest, "failed");
        assertTrue(String.valueOf(refused.get("reason")).contains("not granted"), String.valueOf(refused.get("reason")));
        assertEquals(List.of(), FakeTarget.place(place).orders, "the target was never touched");
    }

    @Test
    void aMaskedSecretIsNotSentToANewHookUrl() throws Exception {
        try (HookReceiver first = new HookReceiver(204); HookReceiver second = new HookReceiver(204)) {
            String project = Api.project();
            String repo = project + "/site";
            JsonPath target = Api.createTarget("http", first.url("/deploy?token=t-s3cret-1"),
                    Map.of("headers", Map.of("Authorization", "Bearer h-s3cret-1")), project, Map.of());
            String secret = target.getString("secret");
            String rule = Api.createRule(Map.of("repository", repo, "tagPolicy", Map.of("kind", "exact", "value", "main"),
                    "target", target.getString("name"))).getString("id");

            String newSecret = as(Tokens.systemAdmin()).body(Map.of("name", target.getString("name"), "kind", "http",
                    "endpoint", second.url("/deploy?token=********"),
                    "settings", Map.of("secret", "********", "headers", Map.of("Authorization", "********")),
                    "grants", List.of(Map.of("project", project)))).put("/api/v1/targets/" + target.getString("id"))
                    .then().statusCode(200).extract().path("secret");
            assertNotNull(newSecret, "a new signing secret is made for the new endpoint, and shown once");
            assertNotEquals(secret, newSecret);

            String digest = Registry.digest();
            Registry.send(bootstrap, Registry.pushed(repo, "main", digest));
            Api.awaitState(rule, digest, "succeeded");

            assertEquals(0, first.calls.size());
            HookReceiver.Call call = second.calls.get(0);
            String signed = call.header("webhook-id") + "." + call.header("webhook-timestamp") + "." + call.body();
            assertNotEquals("v1," + hmac(secret, signed), call.header("webhook-signature"),
                    "the old endpoint's secret signed a request to the new one");
            assertEquals("v1," + hmac(newSecret, signed), call.header("webhook-signature"));
            assertNull(call.header("Authorization"), "the old endpoint's header went to the new one");
            assertEquals("/deploy", call.path(), "the old endpoint's query went to the new one");
        }
    }

    @Test
    void aGuestReadsNoHeaderValueNorUrlQuery() {
        String project = Api.project();
        JsonPath target = Api.createTarget("http", "https://ci.example.com/deploy?token=q-s3cret-9",
                Map.of("headers", Map.of("Authorization", "Bearer h-s3cret-7")), project, Map.of());
        Api.createRule(Map.of("repository", project + "/site", "tagPolicy", Map.of("kind", "exact", "value", "main"),
                "target", target.getString("name")));
        String guest = Tokens.user("gus", project, "guest");

        List<String> answers = List.of(
                given().auth().oauth2(guest).get("/api/v1/rules?project=" + project).then().statusCode(200).extract().asString(),
                given().auth().oauth2(guest).get("/api/v1/targets?project=" + project).then().statusCode(200).extract().asString(),
                given().auth().oauth2(guest).get("/api/v1/targets/" + target.getString("id")).then().statusCode(200).extract().asString(),
                given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/rules").then().statusCode(200).extract().asString(),
                given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/targets").then().statusCode(200).extract().asString(),
                given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/targets/" + target.getString("id")).then().statusCode(200)
                        .body("endpoint", equalTo("https://ci.example.com/deploy?token=********"))
                        .body("settings.headers.Authorization", equalTo("********"))
                        .body("settings.secret", equalTo("********")).extract().asString());
        for (String answer : answers) {
            assertFalse(answer.contains("h-s3cret-7"), "a header value: " + answer);
            assertFalse(answer.contains("q-s3cret-9"), "a URL query: " + answer);
            assertFalse(answer.contains(target.getString("secret").substring(6)), "the signing secret: " + answer);
        }
        given().auth().oauth2(guest).get("/api/v1/targets/" + target.getString("id")).then()
                .body("endpoint", equalTo(null)).body("settings", equalTo(null)).body("name", equalTo(target.getString("name")));
    }

    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
