package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.HookReceiver;
import io.wharf.deployer.support.Registry;
import io.wharf.infra.WharfInfraTestResource;

/** The HTTP deploy hook against a real receiver: signed requests, templated bodies, failures, SSRF guard. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class HttpHookTargetTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The secret of the last hook target {@link #hookRule} created (shown once, when it was created). */
    private String secret;

    /** A rule for {@code repository} through a new hook target at {@code url} granted to its project. */
    private Map<String, Object> hookRule(String repository, String url, Map<String, Object> settings) {
        JsonPath target = Api.createTarget("http", url, settings, repository.split("/")[0], Map.of());
        secret = target.getString("secret");
        return Map.of("repository", repository, "tagPolicy", Map.of("kind", "exact", "value", "main"),
                "target", target.getString("name"));
    }

    @Test
    void postsASignedJsonBodyThatTheReceiverCanVerify() throws Exception {
        try (HookReceiver receiver = new HookReceiver(204)) {
            String project = Api.project();
            String repo = project + "/site";
            JsonPath created = Api.createRule(hookRule(repo, receiver.url("/hooks/deploy?env=prod"),
                    Map.of("headers", Map.of("X-Team", "web"))));
            String rule = created.getString("id");
            String digest = Registry.digest();

            Registry.send(bootstrap, Registry.pushed(repo, "main", digest));

            Map<String, Object> done = Api.awaitState(rule, digest, "succeeded");
            assertEquals(1, receiver.calls.size());
            HookReceiver.Call call = receiver.calls.get(0);
            assertEquals("POST", call.method());
            assertEquals("/hooks/deploy?env=prod", call.path());
            assertEquals("web", call.header("X-Team"));
            assertTrue(call.header("Content-Type").startsWith("application/json"));
            long timestamp = Long.parseLong(call.header("webhook-timestamp"));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp) < 120);
            String expected = "v1," + hmac(secret, call.header("webhook-id") + "." + timestamp + "." + call.body());
            assertEquals(expected, call.header("webhook-signature"));

            JsonPath body = new JsonPath(call.body());
            assertEquals("registry.test:5000/" + repo + ":main@" + digest, body.getString("image"));
            assertEquals(digest, body.getString("digest"));
            assertEquals("main", body.getString("tag"));
            assertEquals(repo, body.getString("repository"));
            assertEquals(done.get("id"), body.getString("deploymentId"));
        }
    }

    @Test
    void fillsACustomTemplateAndMethod() throws Exception {
        try (HookReceiver receiver = new HookReceiver(200)) {
            String project = Api.project();
            String repo = project + "/site";
            String rule = Api.createRule(hookRule(repo, receiver.url("/x"), Map.of("method", "PUT",
                    "contentType", "text/plain", "bodyTemplate", "deploy {{repository}} {{tag}} {{digest}}"))).getString("id");
            String digest = Registry.digest();

            Registry.send(bootstrap, Registry.pushed(repo, "main", digest));

            Api.awaitState(rule, digest, "succeeded");
            assertEquals("PUT", receiver.calls.get(0).method());
            assertEquals("deploy " + repo + " main " + digest, receiver.calls.get(0).body());
        }
    }

    @Test
    void marksTheDeploymentFailedWhenTheHookAnswers500() throws Exception {
        try (HookReceiver receiver = new HookReceiver(500)) {
            String project = Api.project();
            String repo = project + "/site";
            String rule = Api.createRule(hookRule(repo, receiver.url("/deploy"), Map.of())).getString("id");
            String digest = Registry.digest();

            Registry.send(bootstrap, Registry.pushed(repo, "main", digest));

            Map<String, Object> failed = Api.awaitState(rule, digest, "failed");
            assertTrue(String.valueOf(failed.get("reason")).contains("500"), String.valueOf(failed.get("reason")));
            assertEquals(1, receiver.calls.size());
        }
    }

    /** Refused when the target is saved (the guard checks the address connected to at each call as well). */
    @Test
    void refusesHooksOnPrivateAndMetadataAddresses() {
        String project = Api.project();
        for (String url : List.of("http://10.1.2.3:8080/deploy", "http://169.254.169.254/latest/meta-data")) {
            io.restassured.RestAssured.given().auth().oauth2(io.wharf.deployer.support.Tokens.systemAdmin())
                    .contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("name", "hook-" + UUID.randomUUID().toString().substring(0, 8), "kind", "http", "endpoint", url,
                            "grants", List.of(Map.of("project", project))))
                    .post("/api/v1/targets").then().statusCode(400)
                    .body("detail", org.hamcrest.Matchers.containsString("private or reserved"));
        }
    }

    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

}
