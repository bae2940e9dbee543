package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.infra.AuditLog;
import io.wharf.notifier.support.Tokens;

/**
 * Every change made through the subscription API, and every one refused, is one entry on
 * {@code wharf.audit}: who, in which role, from where, through which request, in which project, on
 * what, and how it ended; no entry carries a secret the caller gave or got.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class AuditTrailTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** The request, sent with a fresh X-Request-Id; the answer and that id. */
    private record Sent(ValidatableResponse answer, String requestId) {
    }

    private static Sent send(String token, String method, String path, Object body) {
        String requestId = "req-" + UUID.randomUUID();
        var request = given().auth().oauth2(token).header("X-Request-Id", requestId).contentType(ContentType.JSON);
        if (body != null) {
            request.body(body);
        }
        return new Sent(request.request(method, path).then(), requestId);
    }

    /** The one entry of the request; fails unless there is exactly one. */
    private AuditLog.Entry onlyEntry(Sent sent) {
        List<AuditLog.Entry> entries = AuditLog.ofRequest(bootstrapServers, sent.requestId());
        assertThat("audit entries of request " + sent.requestId(), entries, hasSize(1));
        return entries.get(0);
    }

    private AuditEventData assertEntry(Sent sent, String action, AuditEventData.Outcome outcome, String actor, String role,
            String project, String subject) {
        AuditLog.Entry entry = onlyEntry(sent);
        AuditEventData data = entry.data();
        assertEquals("notifier", data.service());
        assertEquals(action, data.action());
        assertEquals(outcome, data.outcome());
        assertEquals(actor, data.actor());
        assertEquals(AuditEventData.ActorKind.USER, data.actorKind());
        assertEquals(role, data.role());
        assertEquals(project, data.project());
        assertEquals(subject, data.subject());
        assertEquals("127.0.0.1", data.address());
        assertEquals(project == null ? "-" : project, entry.key());
        return data;
    }

    @Test
    void recordsEachSubscriptionChangeOnceWithWhoWhereAndWhatButNoSecret() {
        String project = Api.project("audit");
        String maintainer = Tokens.member("max", project, "maintainer");
        String headerSecret = "hdr-" + UUID.randomUUID();
        List<String> secrets = new ArrayList<>(List.of(headerSecret));

        Sent created = send(maintainer, "POST", "/api/v1/subscriptions", Map.of("name", "ci hook", "scope", "project",
                "project", project, "channel", "webhook", "url", "http://127.0.0.1:9/hook?key=q-" + headerSecret,
                "headers", Map.of("X-Api-Key", headerSecret)));
        String id = created.answer().statusCode(201).extract().path("id");
        secrets.add(created.answer().extract().path("secret"));
        AuditEventData data = assertEntry(created, Actions.SUBSCRIPTION_CREATED, AuditEventData.Outcome.SUCCESS, "max",
                "maintainer", project, id);
        assertThat(data.summary(), hasEntry("name", "ci hook"));
        assertThat(data.summary(), hasEntry("channel", "WEBHOOK"));
        assertThat(data.summary(), hasEntry("host", "127.0.0.1"));

        Sent changed = send(maintainer, "PUT", "/api/v1/subscriptions/" + id, Map.of("name", "ci hook 2", "scope", "project",
                "project", project, "channel", "webhook", "url", "http://127.0.0.1:9/hook2", "enabled", false,
                "headers", Map.of("Authorization", "Bearer " + headerSecret)));
        changed.answer().statusCode(200);
        Map<String, String> summary = assertEntry(changed, Actions.SUBSCRIPTION_CHANGED, AuditEventData.Outcome.SUCCESS, "max",
                "maintainer", project, id).summary();
        assertThat(summary, hasEntry("name", "ci hook 2"));
        assertThat(summary, hasEntry("enabled", "false"));

        Sent rotated = send(maintainer, "POST", "/api/v1/subscriptions/" + id + "/secret", null);
        secrets.add(rotated.answer().statusCode(200).extract().path("secret"));
        assertEntry(rotated, Actions.SUBSCRIPTION_CHANGED, AuditEventData.Outcome.SUCCESS, "max", "maintainer", project, id);

        String admin = Tokens.member("pat", project, "projectAdmin");
        Sent redeliverDead = send(admin, "POST", "/api/v1/subscriptions/" + id + "/deliveries/redeliver", null);
        redeliverDead.answer().statusCode(202);
        assertThat(assertEntry(redeliverDead, "subscription.redelivery-requested", AuditEventData.Outcome.SUCCESS, "pat",
                "projectAdmin", project, id).summary(), hasEntry("redelivered", "0"));

        String deliveryId = send(maintainer, "POST", "/api/v1/subscriptions/" + id + "/test", null)
                .answer().statusCode(202).extract().path("id");
        Sent redeliver = send(maintainer, "POST", "/api/v1/deliveries/" + deliveryId + "/redeliver", null);
        redeliver.answer().statusCode(202);
        assertEntry(redeliver, "delivery.redelivery-requested", AuditEventData.Outcome.SUCCESS, "max", "maintainer", project,
                deliveryId);

        Sent deleted = send(Tokens.admin(), "DELETE", "/api/v1/subscriptions/" + id, null);
        deleted.answer().statusCode(204);
        assertThat(assertEntry(deleted, Actions.SUBSCRIPTION_DELETED, AuditEventData.Outcome.SUCCESS, "root", "system-admin",
                project, id).summary(), hasEntry("name", "ci hook 2"));

        String slackToken = "slk" + UUID.randomUUID().toString().replace("-", "");
        secrets.add(slackToken);
        Sent slack = send(maintainer, "POST", "/api/v1/subscriptions", Map.of("name", "chat", "scope", "project",
                "project", project, "channel", "slack", "url", "http://127.0.0.1:9/services/T0/B0/" + slackToken));
        String slackId = slack.answer().statusCode(201).extract().path("id");
        assertEntry(slack, Actions.SUBSCRIPTION_CREATED, AuditEventData.Outcome.SUCCESS, "max", "maintainer", project, slackId);

        secrets.forEach(secret -> assertNotNull(secret, "a secret the test gave or got"));
        for (var record : AuditLog.records(bootstrapServers)) {
            String bytes = new String(record.value(), StandardCharsets.UTF_8);
            for (var header : record.headers()) {
                bytes += " " + new String(header.value(), StandardCharsets.UTF_8);
            }
            for (String secret : secrets) {
                assertThat("an audit record on wharf.audit", bytes, not(containsString(secret)));
            }
        }
    }

    @Test
    void recordsRefusedChangesAsRefusedInTheirProject() {
        String project = Api.project("audit-refused");
        String id = send(Tokens.member("max", project, "maintainer"), "POST", "/api/v1/subscriptions", Map.of("name", "hook",
                "scope", "project", "project", project, "channel", "webhook", "url", "http://127.0.0.1:9/hook"))
                .answer().statusCode(201).extract().path("id");
        String developer = Tokens.member("dev", project, "developer");

        Sent create = send(developer, "POST", "/api/v1/subscriptions", Map.of("name", "mine", "scope", "project",
                "project", project, "channel", "webhook", "url", "http://127.0.0.1:9/hook"));
        create.answer().statusCode(403);
        assertThat(assertEntry(create, Actions.SUBSCRIPTION_CREATED, AuditEventData.Outcome.REFUSED, "dev", "developer",
                project, null).summary(), hasEntry("name", "mine"));

        Sent delete = send(developer, "DELETE", "/api/v1/subscriptions/" + id, null);
        delete.answer().statusCode(403);
        assertEntry(delete, Actions.SUBSCRIPTION_DELETED, AuditEventData.Outcome.REFUSED, "dev", "developer", project, id);

        Sent redeliver = send(developer, "POST", "/api/v1/subscriptions/" + id + "/deliveries/redeliver", null);
        redeliver.answer().statusCode(403);
        assertEntry(redeliver, "subscription.redelivery-requested", AuditEventData.Outcome.REFUSED, "dev", "developer",
                project, id);
    }

    @Test
    void publishesEntriesAsCloudEventsOfTheAuditType() {
        Sent created = send(Tokens.admin(), "POST", "/api/v1/subscriptions", Map.of("name", "everything", "scope", "global",
                "channel", "webhook", "url", "http://127.0.0.1:9/hook"));
        String id = created.answer().statusCode(201).extract().path("id");
        assertEntry(created, Actions.SUBSCRIPTION_CREATED, AuditEventData.Outcome.SUCCESS, "root", "system-admin", null, id);
        var record = AuditLog.records(bootstrapServers).stream()
                .filter(r -> EventCodec.fromKafka(r).auditData().requestId().equals(created.requestId())).findFirst().orElseThrow();
        assertEquals(EventType.AUDIT_RECORDED, EventCodec.fromKafka(record).type());
        assertEquals(id, EventCodec.fromKafka(record).subject());
        send(Tokens.admin(), "DELETE", "/api/v1/subscriptions/" + id, null).answer().statusCode(204);
    }
}
