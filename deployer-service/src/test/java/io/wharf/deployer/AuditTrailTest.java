package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.wharf.deployer.support.Api;
import io.wharf.infra.AuditLog;
import io.wharf.deployer.support.Registry;
import io.wharf.deployer.support.Tokens;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.infra.WharfInfraTestResource;

/**
 * Every change made through the targets, rules and deployments APIs, and every one refused, is one entry
 * on {@code wharf.audit}: who, in which role, from where, through which request, in which project, on
 * what, and how it ended; no entry carries a credential, token or header value the caller gave or got.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class AuditTrailTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The request, sent with a fresh X-Request-Id; the answer and that id. */
    private record Sent(ValidatableResponse answer, String requestId) {
    }

    private static Sent send(String token, String method, String path, Object body) {
        String requestId = "req-" + UUID.randomUUID();
        var request = given().auth().oauth2(token).header("X-Request-Id", requestId).contentType(ContentType.JSON);
        if (body != null) {
            request.body(body);
        }
        return new Sent(request.request(method, path).then().log().ifValidationFails(), requestId);
    }

    /** Asserts the request left exactly one entry, with these values; returns its summary. */
    private Map<String, String> assertEntry(Sent sent, String action, AuditEventData.Outcome outcome, String actor, String role,
            String project, String subject) {
        List<AuditLog.Entry> entries = AuditLog.ofRequest(bootstrap, sent.requestId());
        assertThat("audit entries of request " + sent.requestId(), entries, hasSize(1));
        AuditEventData data = entries.get(0).data();
        assertEquals("deployer", data.service());
        assertEquals(action, data.action());
        assertEquals(outcome, data.outcome());
        assertEquals(actor, data.actor());
        assertEquals(role, data.role());
        assertEquals(project, data.project());
        assertEquals(subject, data.subject());
        assertEquals("127.0.0.1", data.address());
        assertEquals(project == null ? "-" : project, entries.get(0).key());
        return data.summary();
    }

    @Test
    void recordsTargetChangesWithoutTheirCredentials() {
        String project = Api.project();
        String name = "hook-" + project;
        String hookToken = "tok" + UUID.randomUUID().toString().replace("-", "");
        String headerValue = "hv-" + UUID.randomUUID();
        String password = "whsec_" + Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>(List.of(hookToken, headerValue, password));
        String admin = Tokens.systemAdmin();

        Sent created = send(admin, "POST", "/api/v1/targets", Map.of("name", name, "kind", "http",
                "endpoint", "https://ci.example.com/deploy?token=" + hookToken,
                "settings", Map.of("headers", Map.of("X-Key", headerValue)),
                "grants", List.of(Map.of("project", project))));
        String id = created.answer().statusCode(201).extract().path("id");
        secrets.add(created.answer().extract().path("secret"));
        Map<String, String> summary = assertEntry(created, Actions.TARGET_CREATED, AuditEventData.Outcome.SUCCESS, "root",
                "system-admin", null, name);
        assertThat(summary, hasEntry("kind", "http"));
        assertThat(summary, hasEntry("grantedTo", project));

        Sent changed = send(admin, "PUT", "/api/v1/targets/" + id, Map.of("name", name, "kind", "http",
                "endpoint", "https://ci.example.com/deploy?token=" + hookToken,
                "settings", Map.of("secret", password, "headers", Map.of("X-Key", headerValue, "X-Env", password)),
                "grants", List.of(Map.of("project", project))));
        changed.answer().statusCode(200);
        assertEntry(changed, Actions.TARGET_CHANGED, AuditEventData.Outcome.SUCCESS, "root", "system-admin", null, name);

        Sent refused = send(Tokens.user("ann", project, "projectAdmin"), "DELETE", "/api/v1/targets/" + id, null);
        refused.answer().statusCode(403);
        assertEntry(refused, Actions.TARGET_DELETED, AuditEventData.Outcome.REFUSED, "ann", null, null, id);

        Sent deleted = send(admin, "DELETE", "/api/v1/targets/" + id, null);
        deleted.answer().statusCode(204);
        assertEntry(deleted, Actions.TARGET_DELETED, AuditEventData.Outcome.SUCCESS, "root", "system-admin", null, name);

        String registryPassword = "robot-secret-" + UUID.randomUUID();
        secrets.add(registryPassword);
        Sent docker = send(admin, "POST", "/api/v1/targets", Map.of("name", "docker-" + project, "kind", "docker",
                "endpoint", "unix:///run/nowhere.sock", "grants", List.of(Map.of("project", project, "containers", "app")),
                "settings", Map.of("registryAuth", Map.of("username", "robot$" + project + "+deployer", "password", registryPassword))));
        docker.answer().statusCode(201);
        assertEntry(docker, Actions.TARGET_CREATED, AuditEventData.Outcome.SUCCESS, "root", "system-admin", null, "docker-" + project);

        secrets.forEach(secret -> assertNotNull(secret, "a secret the test gave or got"));
        for (var record : AuditLog.records(bootstrap)) {
            StringBuilder bytes = new StringBuilder(new String(record.value(), StandardCharsets.UTF_8));
            record.headers().forEach(h -> bytes.append(' ').append(new String(h.value(), StandardCharsets.UTF_8)));
            for (String secret : secrets) {
                assertThat("an audit record on wharf.audit", bytes.toString(), not(containsString(secret)));
            }
        }
    }

    @Test
    void recordsRuleChangesAndRefusals() {
        String project = Api.project();
        Map<String, Object> body = new HashMap<>(Api.fakeRule(project + "/api", "semver", "^1.0.0", project, Map.of()));
        String maintainer = Tokens.user("max", project, "maintainer");

        Sent created = send(maintainer, "POST", "/api/v1/rules", body);
        String id = created.answer().statusCode(201).extract().path("id");
        Map<String, String> summary = assertEntry(created, Actions.RULE_CREATED, AuditEventData.Outcome.SUCCESS, "max",
                "maintainer", project, id);
        assertThat(summary, hasEntry("repository", project + "/api"));
        assertThat(summary, hasEntry("target", "fake-" + project));

        body.put("approvalsRequired", 2);
        Sent changed = send(Tokens.user("pat", project, "projectAdmin"), "PUT", "/api/v1/rules/" + id, body);
        changed.answer().statusCode(200);
        assertThat(assertEntry(changed, Actions.RULE_CHANGED, AuditEventData.Outcome.SUCCESS, "pat", "projectAdmin", project, id),
                hasEntry("approvalsRequired", "2"));

        Sent held = send(maintainer, "POST", "/api/v1/rules/" + id + "/hold", Map.of("reason", "freeze"));
        held.answer().statusCode(200);
        assertThat(assertEntry(held, Actions.RULE_CHANGED, AuditEventData.Outcome.SUCCESS, "max", "maintainer", project, id),
                hasEntry("hold", "on"));

        String developer = Tokens.user("dev", project, "developer");
        Sent refusedCreate = send(developer, "POST", "/api/v1/rules", body);
        refusedCreate.answer().statusCode(403);
        assertEntry(refusedCreate, Actions.RULE_CREATED, AuditEventData.Outcome.REFUSED, "dev", "developer", project, null);

        Sent refusedDelete = send(developer, "DELETE", "/api/v1/rules/" + id, null);
        refusedDelete.answer().statusCode(403);
        assertEntry(refusedDelete, Actions.RULE_DELETED, AuditEventData.Outcome.REFUSED, "dev", "developer", project, id);

        Sent deleted = send(maintainer, "DELETE", "/api/v1/rules/" + id, null);
        deleted.answer().statusCode(204);
        assertThat(assertEntry(deleted, Actions.RULE_DELETED, AuditEventData.Outcome.SUCCESS, "max", "maintainer", project, id),
                hasEntry("repository", project + "/api"));
    }

    @Test
    void recordsApprovalsRejectionsAndRollbacks() {
        String project = Api.project();
        String repository = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repository, "glob", "*", project, Map.of("approvalsRequired", 1)))
                .getString("id");
        String first = Registry.digest();
        Registry.send(bootstrap, Registry.pushedBy("paula", repository, "one", first));
        String firstId = (String) Api.awaitState(rule, first, "awaiting_approval").get("id");

        Sent ownPush = send(Tokens.user("paula", project, "maintainer"), "POST", "/api/v1/deployments/" + firstId + "/approvals", null);
        ownPush.answer().statusCode(403);
        assertEntry(ownPush, Actions.DEPLOYMENT_APPROVED, AuditEventData.Outcome.REFUSED, "paula", "maintainer", project, firstId);

        Sent approved = send(Tokens.user("otto", project, "maintainer"), "POST", "/api/v1/deployments/" + firstId + "/approvals", null);
        approved.answer().statusCode(200);
        assertThat(assertEntry(approved, Actions.DEPLOYMENT_APPROVED, AuditEventData.Outcome.SUCCESS, "otto", "maintainer",
                project, firstId), hasEntry("digest", first));
        Api.awaitState(rule, first, "succeeded");

        String second = Registry.digest();
        Registry.send(bootstrap, Registry.pushedBy("paula", repository, "two", second));
        String secondId = (String) Api.awaitState(rule, second, "awaiting_approval").get("id");
        Sent rejected = send(Tokens.user("pat", project, "projectAdmin"), "POST", "/api/v1/deployments/" + secondId + "/reject", null);
        rejected.answer().statusCode(200);
        assertEntry(rejected, Actions.DEPLOYMENT_REJECTED, AuditEventData.Outcome.SUCCESS, "pat", "projectAdmin", project, secondId);

        Sent refusedRollback = send(Tokens.user("gus", project, "guest"), "POST", "/api/v1/rules/" + rule + "/rollback",
                Map.of("digest", first));
        refusedRollback.answer().statusCode(403);
        assertEntry(refusedRollback, "deployment.rolled-back", AuditEventData.Outcome.REFUSED, "gus", "guest", project, null);

        Sent rolledBack = send(Tokens.user("max", project, "maintainer"), "POST", "/api/v1/rules/" + rule + "/rollback",
                Map.of("digest", first));
        String rollbackId = rolledBack.answer().statusCode(202).extract().path("id");
        Map<String, String> summary = assertEntry(rolledBack, "deployment.rolled-back", AuditEventData.Outcome.SUCCESS, "max",
                "maintainer", project, rollbackId);
        assertThat(summary, hasEntry("digest", first));
        assertThat(summary, hasEntry("rule", rule));
        await().atMost(Api.WAIT).until(() -> "succeeded".equals(given().auth().oauth2(Tokens.systemAdmin())
                .get("/api/v1/deployments/" + rollbackId).then().extract().path("state")));
    }
}
