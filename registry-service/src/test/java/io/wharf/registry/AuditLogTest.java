package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.wharf.events.AuditEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;

/**
 * The audit log (issue 21): every sign-in, token, account, member, robot, project and pull-limit
 * change leaves exactly one entry naming its actor, role, project and request; entries are read
 * through {@code GET /api/v1/audit} (filters, cursor paging, CSV) by system administrators and, for
 * their projects, project administrators; they reach Kafka {@code wharf.audit} as CloudEvents, and
 * other services' entries on that topic join them; nobody can change one, and none holds a secret.
 */
@QuarkusTest
class AuditLogTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** Every entry of the log the administrator reads with these filters (one page of up to 500). */
    private static List<Map<String, Object>> entries(Map<String, ?> filters) {
        return Admin.given().queryParams(filters).queryParam("limit", 500).get("/api/v1/audit")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath().getList("records");
    }

    /** The one entry of {@code action} about {@code subject}; fails unless there is exactly one. */
    private static Map<String, Object> one(String action, String subject) {
        List<Map<String, Object>> found = entries(Map.of("action", action)).stream().filter(e -> subject.equals(e.get("subject"))).toList();
        assertEquals(1, found.size(), action + " of " + subject + ": " + found);
        return found.get(0);
    }

    private static void assertEntry(Map<String, Object> entry, String actor, String role, String project) {
        assertEquals("registry", entry.get("service"), entry.toString());
        assertEquals(actor, entry.get("actor"), entry.toString());
        assertEquals(role, entry.get("role"), entry.toString());
        assertEquals(project, entry.get("project"), entry.toString());
        assertEquals("127.0.0.1", entry.get("address"), entry.toString());
        assertNotNull(entry.get("requestId"), entry.toString());
    }

    @Test
    void everyActionLeavesOneEntryWithItsActorRoleAndProjectAndNoEntryHoldsASecret() {
        Set<String> secrets = new LinkedHashSet<>(List.of(Accounts.PASSWORD, Admin.PASSWORD));
        String owner = Accounts.user("auditee");
        assertEntry(one("account.created", owner), "admin", "system-admin", null);
        String mate = Accounts.user("mate");

        // A first sign-in checks the password; the next ones within the cache's lifetime do not.
        Accounts.as(owner).get("/api/v1/users/me").then().statusCode(200);
        Accounts.as(owner).get("/api/v1/users/me").then().statusCode(200);
        Map<String, Object> signIn = one("sign-in.succeeded", owner);
        assertEntry(signIn, owner, null, null);
        assertEquals("success", signIn.get("outcome"));
        Accounts.as(mate, "wrong-password-1").header("X-Request-Id", "req-" + mate).get("/api/v1/users/me").then().statusCode(401);
        secrets.add("wrong-password-1");
        Map<String, Object> failed = one("sign-in.failed", mate);
        assertEquals("failure", failed.get("outcome"));
        assertNull(failed.get("actor"));
        assertEquals("anonymous", failed.get("actorKind"));
        assertEquals("req-" + mate, failed.get("requestId"));
        Admin.given().delete("/api/v1/users/" + mate + "/sign-in-failures").then().statusCode(204);
        Map<String, Object> unlocked = one("account.unlocked", mate);
        assertEntry(unlocked, "admin", "system-admin", null);
        assertEquals(Map.of("hadFailures", "true"), unlocked.get("summary"));

        String project = "audited-" + Oci.suffix();
        Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("name", project, "isPublic", false))
                .post("/api/v1/projects").then().statusCode(201);
        assertEntry(one("project.created", project), owner, null, project);

        Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("role", "developer"))
                .put("/api/v1/projects/" + project + "/members/" + mate).then().statusCode(200);
        Map<String, Object> added = one("member.added", mate);
        assertEntry(added, owner, "projectAdmin", project);
        assertEquals(Map.of("role", "developer"), added.get("summary"));
        Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("role", "maintainer"))
                .put("/api/v1/projects/" + project + "/members/" + mate).then().statusCode(200);
        assertEquals(Map.of("role", "maintainer", "previousRole", "developer"), one("member.changed", mate).get("summary"));
        Accounts.as(owner).delete("/api/v1/projects/" + project + "/members/" + mate).then().statusCode(204);
        assertEntry(one("member.removed", mate), owner, "projectAdmin", project);

        Response robot = Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("name", "ci", "permissions", List.of("pull", "push")))
                .post("/api/v1/projects/" + project + "/robots");
        robot.then().statusCode(201);
        String robotName = robot.path("name");
        secrets.add(robot.path("secret"));
        assertEntry(one("robot.created", robotName), owner, "projectAdmin", project);
        String rotated = Accounts.as(owner).post("/api/v1/projects/" + project + "/robots/ci/secret").then().statusCode(200)
                .extract().path("secret");
        secrets.add(rotated);
        assertEntry(one("robot.secret-rotated", robotName), owner, "projectAdmin", project);
        Accounts.as(robotName, rotated).get("/v2/").then().statusCode(200);
        Map<String, Object> robotSignIn = one("sign-in.succeeded", robotName);
        assertEquals("robot", robotSignIn.get("actorKind"));
        assertEquals(project, robotSignIn.get("project"));
        Accounts.as(owner).delete("/api/v1/projects/" + project + "/robots/ci").then().statusCode(204);
        assertEntry(one("robot.deleted", robotName), owner, "projectAdmin", project);

        Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("isPublic", true)).put("/api/v1/projects/" + project).then().statusCode(200);
        assertEquals(Map.of("isPublic", "true"), one("project.visibility-changed", project).get("summary"));

        String patName = "laptop-" + Oci.suffix();
        String pat = Accounts.personalToken(owner, patName, null);
        secrets.add(pat);
        assertEntry(one("pat.created", patName), owner, null, null);
        Accounts.as(owner).delete("/api/v1/users/me/tokens/" + patName).then().statusCode(204);
        assertEntry(one("pat.deleted", patName), owner, null, null);

        String apiToken = Accounts.as(owner).post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
        secrets.add(apiToken);
        assertEquals("api", ((Map<?, ?>) one("token.issued", owner).get("summary")).get("kind"));
        Response docker = RestAssured.given().auth().preemptive().basic(mate, Accounts.PASSWORD)
                .queryParam("service", "wharf-registry").queryParam("offline_token", "true").get("/token");
        docker.then().statusCode(200);
        secrets.add(docker.path("token"));
        secrets.add(docker.path("refresh_token"));
        assertEquals(Map.of("kind", "refresh", "endpoint", "GET /token"), one("token.issued", mate).get("summary"));

        Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("password", "a-new-long-password", "currentPassword", "not-my-password"))
                .put("/api/v1/users/" + owner + "/password").then().statusCode(403);
        secrets.add("not-my-password");
        Map<String, Object> wrongCurrent = one("sign-in.failed", owner);
        assertEntry(wrongCurrent, owner, null, null);
        assertEquals(Map.of("method", "current-password"), wrongCurrent.get("summary"));
        Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("password", "a-new-long-password", "currentPassword", Accounts.PASSWORD))
                .put("/api/v1/users/" + owner + "/password").then().statusCode(204);
        secrets.add("a-new-long-password");
        assertEntry(one("account.password-changed", owner), owner, null, null);

        Admin.given().contentType(ContentType.JSON).body(Map.of("perWindow", 1000)).put("/api/v1/users/" + owner + "/pull-limit")
                .then().statusCode(200);
        assertEntry(one("pull-limit.changed", "user:" + owner), "admin", "system-admin", null);
        Admin.given().contentType(ContentType.JSON).body(Map.of("perWindow", 50)).put("/api/v1/projects/" + project + "/robot-pull-limit")
                .then().statusCode(200);
        assertEntry(one("pull-limit.changed", "project:" + project), "admin", "system-admin", project);

        Accounts.as(owner, "a-new-long-password").delete("/api/v1/projects/" + project).then().statusCode(204);
        assertEntry(one("project.deleted", project), owner, "projectAdmin", project);
        Admin.given().delete("/api/v1/users/" + mate).then().statusCode(204);
        assertEntry(one("account.deleted", mate), "admin", "system-admin", null);

        // No entry, in the table or on the topic, holds any secret given above.
        List<String> rows = Arc.container().instance(Pool.class).get().query("select row_to_json(a)::text as entry from audit_record a")
                .execute().await().indefinitely().stream().map(row -> row.getString("entry")).toList();
        assertTrue(rows.size() > 20, "entries: " + rows.size());
        TestDatabase.awaitRow("select 1 from audit_outbox having count(*) = 0");
        long own = rows.stream().filter(row -> row.contains("\"service\":\"registry\"")).count();
        List<String> published = consume(records -> records.size() >= own ? records : null).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        for (String secret : secrets) {
            assertNotNull(secret);
            for (String entry : rows) {
                assertFalse(entry.contains(secret), "an audit row holds a secret: " + entry);
            }
            for (String value : published) {
                assertFalse(value.contains(secret), "a wharf.audit record holds a secret: " + value);
            }
        }
    }

    @Test
    void filtersNarrowAndTheCursorPagesNewestFirst() {
        String owner = Accounts.user("pager");
        String project = Accounts.project("paged", false);
        Accounts.member(project, owner, "projectAdmin");
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String u = Accounts.user("paged" + i);
            users.add(u);
            Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("role", "guest"))
                    .put("/api/v1/projects/" + project + "/members/" + u).then().statusCode(200);
        }
        Accounts.as(owner).delete("/api/v1/projects/" + project + "/members/" + users.get(0)).then().statusCode(204);

        // Page by two through member.* entries of the owner in the project: 5 added + 1 removed, newest first.
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = Admin.given().queryParam("actor", owner).queryParam("action", "member.").queryParam("project", project)
                    .queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/api/v1/audit");
            page.then().statusCode(200);
            List<Map<String, Object>> records = page.jsonPath().getList("records");
            records.forEach(r -> seen.add(r.get("action") + " " + r.get("subject")));
            cursor = page.jsonPath().getString("next");
            if (cursor != null) {
                assertTrue(page.header("Link").contains("rel=\"next\"") && page.header("Link").contains(cursor), page.header("Link"));
            } else {
                assertNull(page.header("Link"));
            }
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        List<String> expected = new ArrayList<>(List.of("member.removed " + users.get(0)));
        for (int i = 4; i >= 0; i--) {
            expected.add("member.added " + users.get(i));
        }
        assertEquals(expected, seen);

        assertEquals(5, entries(Map.of("actor", owner, "action", "member.added")).size());
        assertEquals(5, entries(Map.of("actor", owner, "action", "member.*", "project", project, "to",
                entries(Map.of("actor", owner, "action", "member.removed")).get(0).get("time"))).size());
        assertEquals(6, entries(Map.of("actor", owner, "project", project, "action", "member.", "from", before.toString())).size());
        assertEquals(0, entries(Map.of("project", project, "from", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1).toString())).size());

        Admin.given().queryParam("limit", 501).get("/api/v1/audit").then().statusCode(400).body("code", equalTo("INVALID_QUERY"))
                .body("errors[0].field", equalTo("limit"));
        Admin.given().queryParam("from", "yesterday").get("/api/v1/audit").then().statusCode(400).body("errors[0].field", equalTo("from"));
        Admin.given().queryParam("cursor", "bm9wZQ").get("/api/v1/audit").then().statusCode(400).body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void projectAdminsReadTheirProjectsEntriesOnlyAndOthersAreRefused() {
        String admin = Accounts.user("padmin");
        String ours = Accounts.project("ours", false);
        String theirs = Accounts.project("theirs", false);
        Accounts.member(ours, admin, "projectAdmin");
        String developer = Accounts.user("dev");
        Accounts.member(ours, developer, "developer");
        Accounts.member(theirs, developer, "developer");

        List<Map<String, Object>> visible = Accounts.as(admin).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath().getList("records");
        assertFalse(visible.isEmpty());
        assertTrue(visible.stream().allMatch(e -> ours.equals(e.get("project")) || admin.equals(e.get("project"))), visible.toString());
        assertTrue(visible.stream().anyMatch(e -> "member.added".equals(e.get("action")) && developer.equals(e.get("subject"))));
        Accounts.as(admin).queryParam("project", ours).get("/api/v1/audit").then().statusCode(200);
        Accounts.as(admin).queryParam("project", theirs).get("/api/v1/audit").then().statusCode(403).body("code", equalTo("DENIED"));

        // A developer whose own project is gone administers nothing: refused, like robots; anonymous callers must sign in.
        Accounts.as(developer).delete("/api/v1/projects/" + developer).then().statusCode(204);
        Accounts.as(developer).get("/api/v1/audit").then().statusCode(403);
        Accounts.as(developer).queryParam("project", ours).get("/api/v1/audit").then().statusCode(403);
        String[] robot = Accounts.robot(ours, "reader", List.of("pull"));
        Accounts.as(robot[0], robot[1]).get("/api/v1/audit").then().statusCode(403);
        RestAssured.given().get("/api/v1/audit").then().statusCode(401);
        RestAssured.given().queryParam("format", "csv").get("/api/v1/audit").then().statusCode(401);
    }

    @Test
    void csvExportsEveryMatchingEntryWithProperQuoting() {
        String owner = Accounts.user("csv");
        for (String name : List.of("first", "second")) {
            Accounts.as(owner).contentType(ContentType.JSON).body(Map.of("name", name, "permissions", List.of("pull", "push")))
                    .post("/api/v1/projects/" + owner + "/robots").then().statusCode(201);
        }
        for (var request : List.of(Admin.given().queryParam("format", "csv"), Admin.given().accept("text/csv"))) {
            Response csv = request.queryParam("project", owner).queryParam("limit", 1).get("/api/v1/audit");
            csv.then().statusCode(200).contentType(startsWith("text/csv")).header("Content-Disposition", containsString("attachment"));
            String[] lines = csv.asString().split("\r\n");
            assertEquals("id,time,service,action,outcome,actor,actorKind,role,address,requestId,project,subject,summary", lines[0]);
            // both robots, newest first: every matching entry, not one page
            assertEquals(3, lines.length, csv.asString());
            for (int i = 1; i <= 2; i++) {
                assertTrue(lines[i].contains(",robot.created,success," + owner + ",user,projectAdmin,127.0.0.1,"), lines[i]);
                assertTrue(lines[i].endsWith(",\"{\"\"permissions\"\":\"\"pull,push\"\"}\""), lines[i]);
            }
            assertTrue(lines[1].contains("robot$" + owner + "+second"), lines[1]);
        }
        Admin.given().get("/api/v1/audit").then().statusCode(200).contentType(ContentType.JSON);
    }

    @Test
    void entriesArePublishedAsCloudEventsAndOtherServicesEntriesJoinTheLog() throws Exception {
        String owner = Accounts.user("published");
        Map<String, Object> created = one("account.created", owner);
        ConsumerRecord<String, byte[]> record = consume(records -> records.stream()
                .filter(r -> created.get("id").equals(header(r, "ce_id"))).findFirst().orElse(null));
        assertEquals("io.wharf.audit.recorded", header(record, "ce_type"));
        assertEquals("/wharf/registry", header(record, "ce_source"));
        assertEquals("-", record.key());
        AuditEventData data = EventCodec.fromKafka(record).auditData();
        assertEquals("account.created", data.action());
        assertEquals("admin", data.actor());
        assertEquals(owner, data.subject());

        // The notifier publishes its own entry; it appears through the API, and once however often it is delivered.
        String subscription = "hooks-" + UUID.randomUUID();
        AuditEventData notifierEntry = AuditEventData.builder(AuditEventData.Services.NOTIFIER, AuditEventData.Actions.SUBSCRIPTION_CREATED,
                        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS))
                .actor(AuditEventData.ActorKind.USER, owner).role("projectAdmin").project(owner).subject(subscription)
                .address("10.1.2.3").requestId("n-1").summary("channel", "webhook").build();
        WharfEvent<AuditEventData> event = WharfEvent.create(EventType.AUDIT_RECORDED, java.net.URI.create("/wharf/notifier"), notifierEntry);
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrapServers);
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(EventCodec.toProducerRecord(event)).get();
            producer.send(EventCodec.toProducerRecord(event)).get();
        }
        await("the notifier's entry").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !entries(Map.of("action", "subscription.created", "project", owner)).isEmpty());
        Map<String, Object> joined = one("subscription.created", subscription);
        assertEquals("notifier", joined.get("service"));
        assertEquals(event.id(), joined.get("id"));
        assertEquals("10.1.2.3", joined.get("address"));
        assertEquals(Map.of("channel", "webhook"), joined.get("summary"));
        Accounts.as(owner).queryParam("action", "subscription.created").get("/api/v1/audit").then().statusCode(200)
                .body("records[0].subject", equalTo(subscription));
    }

    @Test
    void entriesCannotBeChangedOrDeletedByTheApplicationsDatabaseUser() {
        String owner = Accounts.user("immutable");
        String id = (String) one("account.created", owner).get("id");
        Pool pool = Arc.container().instance(Pool.class).get();
        RuntimeException update = assertThrows(RuntimeException.class, () -> pool
                .query("update audit_record set actor = 'someone-else' where id = '" + id + "'").execute().await().indefinitely());
        assertTrue(update.getMessage().contains("append-only"), update.getMessage());
        assertThrows(RuntimeException.class, () -> pool.query("delete from audit_record where id = '" + id + "'").execute().await().indefinitely());
        assertThrows(RuntimeException.class, () -> pool.query("truncate audit_record").execute().await().indefinitely());
        Row row = pool.query("select actor from audit_record where id = '" + id + "'").execute().await().indefinitely().iterator().next();
        assertEquals("admin", row.getString("actor"));
    }

    /** Reads {@code wharf.audit} from the start until {@code done} returns non-null for what arrived (60 s at most). */
    private <T> T consume(java.util.function.Function<List<ConsumerRecord<String, byte[]>>, T> done) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        List<T> result = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.AUDIT));
            await("wharf.audit records").atMost(Duration.ofSeconds(60)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
                T t = done.apply(found);
                if (t != null) {
                    result.add(t);
                }
                return t != null;
            });
        }
        return result.get(0);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
