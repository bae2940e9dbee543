package io.wharf.registry;

import static io.wharf.registry.RetentionFixtures.actions;
import static io.wharf.registry.RetentionFixtures.deployment;
import static io.wharf.registry.RetentionFixtures.policy;
import static io.wharf.registry.RetentionFixtures.reasons;
import static io.wharf.registry.RetentionFixtures.repositories;
import static io.wharf.registry.RetentionFixtures.rule;
import static io.wharf.registry.RetentionFixtures.run;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.registry.RetentionFixtures.Repo;
import io.wharf.registry.events.PullCounter;

/** Retention through the management API: each rule kind, what is never deleted, dry runs, events, who may do what. */
@QuarkusTest
class RetentionTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "wharf.registry.storage.root")
    String storageRoot;

    @Inject
    PullCounter pulls;

    @Inject
    Pool pool;

    @Test
    void latestPushedKeepsTheNewestPerRepositoryAndAnArtifactWithOneKeptTagStaysWithAllItsTags() throws Exception {
        String project = Accounts.project("keep-latest", false);
        Repo repo = Repo.create(project + "/app");
        Repo other = Repo.create(project + "/tools");
        var v1 = repo.push("1", "v1");
        Oci.pushManifest(repo.name(), "stable", Oci.OCI_MANIFEST, repo.manifest("1", null));
        var v2 = repo.push("2", "v2");
        var v3 = repo.push("3", "v3");
        var v4 = repo.push("4", "v4");
        var t1 = other.push("1", "v1");
        var t2 = other.push("2", "v2");
        policy(project, rule("latestPushed", 2, "v*", false), rule("always", null, "stable", false));

        JsonPath dry = run(project, "retention", true);
        assertEquals(Map.of(v1.digest(), "KEEP", v2.digest(), "DELETE", v3.digest(), "KEEP", v4.digest(), "KEEP",
                t1.digest(), "KEEP", t2.digest(), "KEEP"), actions(dry), "counts are per repository");
        assertTrue(reasons(dry).get(v1.digest()).contains("rule 2 (always, tags stable)"), reasons(dry).toString());
        assertTrue(repo.has(v2.digest()), "a dry run deletes nothing");

        JsonPath real = run(project, "retention", false);
        assertEquals(1, real.getInt("deleted"));
        assertEquals(1, real.getInt("deletedTags"));
        assertFalse(repo.has(v2.digest()));
        assertFalse(repo.has("v2"));
        assertTrue(repo.has("v1"), "v1 matched no keeping rule, but its artifact is kept by stable");
        assertTrue(repo.has("stable"));
        assertTrue(repo.has("v3") && repo.has("v4") && other.has("v1") && other.has("v2"));

        List<RegistryEventData> deleted = TestKafka.read(bootstrapServers, Topics.REGISTRY_EVENTS, r -> repo.name().equals(r.key()),
                        found -> found.stream().filter(r -> EventCodec.fromKafka(r).type() == EventType.ARTIFACT_DELETED).count() == 1,
                        Duration.ofSeconds(60), Duration.ofMillis(500))
                .stream().map(EventCodec::fromKafka).filter(e -> e.type() == EventType.ARTIFACT_DELETED || e.type() == EventType.TAG_DELETED)
                .map(e -> e.registryData()).toList();
        assertEquals(2, deleted.size(), "artifact.deleted and tag.deleted of v2");
        for (RegistryEventData d : deleted) {
            assertEquals(v2.digest(), d.digest());
            assertEquals(RegistryEventData.REASON_RETENTION, d.reason());
        }
        Admin.given().get("/api/v1/projects/" + project + "/retention/runs").then().statusCode(200)
                .body("size()", equalTo(2)).body("[0].id", equalTo(real.getInt("id"))).body("[0].dryRun", equalTo(false))
                .body("[1].dryRun", equalTo(true)).body("[0].report", org.hamcrest.Matchers.nullValue());
        Admin.given().get("/api/v1/projects/" + project + "/retention/runs/" + dry.getInt("id")).then().statusCode(200)
                .body("report.repositories.repository", equalTo(List.of(repo.name(), other.name())))
                .body("report.repositories[0].items.find { it.digest == '" + v2.digest() + "' }.tags[0].action", equalTo("DELETE"));
    }

    @Test
    void anImmutableTagKeepsItsArtifactWhateverTheRulesSay() throws Exception {
        String project = Accounts.project("keep-immutable", false);
        Repo repo = Repo.create(project + "/app");
        var release = repo.push("1", "v1.0.0");
        var snapshot = repo.push("2", "build-2");
        var latest = repo.push("3", "build-3");
        Admin.given().contentType(ContentType.JSON).body(Map.of("tags", List.of("v*"), "description", "releases are final"))
                .post("/api/v1/projects/" + project + "/immutability-rules").then().statusCode(201);
        policy(project, rule("latestPushed", 1, "**", false));

        JsonPath dry = run(project, "retention", true);
        assertEquals(Map.of(release.digest(), "KEEP", snapshot.digest(), "DELETE", latest.digest(), "KEEP"), actions(dry));
        assertTrue(reasons(dry).get(release.digest()).contains("immutable"), reasons(dry).toString());

        run(project, "retention", false);
        assertTrue(repo.has("v1.0.0") && repo.has(release.digest()), "the immutable release stays");
        assertFalse(repo.has(snapshot.digest()));
        assertTrue(repo.has("build-3"));
    }

    @Test
    void pulledRulesKeepWhatWasPulledAndPushedWithinDaysWhatIsRecent() throws Throwable {
        String project = Accounts.project("keep-pulled", false);
        Repo repo = Repo.create(project + "/app");
        var a = repo.push("a", "a");
        var b = repo.push("b", "b");
        var c = repo.push("c", "c");
        Oci.given().get("/v2/" + repo.name() + "/manifests/b").then().statusCode(200);
        io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> pulls.flush());

        policy(project, rule("latestPulled", 1, null, false));
        assertEquals(Map.of(a.digest(), "DELETE", b.digest(), "KEEP", c.digest(), "DELETE"), actions(run(project, "retention", true)));
        policy(project, rule("pulledWithinDays", 1, null, false));
        assertEquals(Map.of(a.digest(), "DELETE", b.digest(), "KEEP", c.digest(), "DELETE"), actions(run(project, "retention", true)));

        TestDatabase.execute("UPDATE registry.manifest SET created_at = now() - interval '10 days' WHERE digest = '" + a.digest() + "'");
        TestDatabase.execute("UPDATE registry.tag SET updated_at = now() - interval '10 days' WHERE name = 'a' AND manifest_id = "
                + "(SELECT id FROM registry.manifest WHERE digest = '" + a.digest() + "')");
        policy(project, rule("pushedWithinDays", 7, null, false));
        assertEquals(Map.of(a.digest(), "DELETE", b.digest(), "KEEP", c.digest(), "KEEP"), actions(run(project, "retention", true)));
        policy(project, rule("always", null, "!c", false));
        assertEquals(Map.of(a.digest(), "KEEP", b.digest(), "KEEP", c.digest(), "DELETE"), actions(run(project, "retention", true)));

        run(project, "retention", false);
        assertTrue(repo.has("a") && repo.has("b"));
        assertFalse(repo.has(c.digest()));
    }

    @Test
    void untaggedArtifactsAndUnselectedRepositoriesAreOutOfScopeUnlessARuleTakesThem() {
        String project = Accounts.project("scope", false);
        Repo app = Repo.create(project + "/app");
        Repo lib = Repo.create(project + "/lib");
        var loose = app.push("loose", null);
        var v1 = app.push("1", "v1");
        var l1 = lib.push("1", "v1");
        var l2 = lib.push("2", "v2");
        policy(project, repositories(rule("latestPushed", 1, null, false), "app", false));
        JsonPath dry = run(project, "retention", true);
        assertEquals(Map.of(loose.digest(), "KEEP", v1.digest(), "KEEP", l1.digest(), "KEEP", l2.digest(), "KEEP"), actions(dry));
        assertEquals("not in scope of any rule", reasons(dry).get(l1.digest()));
        assertEquals("not in scope of any rule", reasons(dry).get(loose.digest()));

        policy(project, repositories(rule("latestPushed", 1, null, true), "lib", true));
        assertEquals(Map.of(loose.digest(), "DELETE", v1.digest(), "KEEP", l1.digest(), "KEEP", l2.digest(), "KEEP"),
                actions(run(project, "retention", true)), "the untagged artifact is a candidate now, and older than v1");
    }

    @Test
    void referrersOfKeptArtifactsAndChildrenOfKeptIndexesStayWhileThoseOfDeletedOnesGo() {
        String project = Accounts.project("graph", false);
        Repo repo = Repo.create(project + "/app");
        var oldImage = repo.push("old", "old");
        var oldSignature = repo.referrer("old-sig", oldImage);
        var amd = repo.push("amd64", null);
        var arm = repo.push("arm64", null);
        var index = repo.index("new", amd, arm);
        var signature = repo.referrer("new-sig", index);
        policy(project, rule("latestPushed", 1, null, false));

        JsonPath real = run(project, "retention", false);
        Map<String, String> reasons = reasons(real);
        assertEquals("child of kept index " + index.digest(), reasons.get(amd.digest()));
        assertEquals("referrer of kept " + index.digest(), reasons.get(signature.digest()));
        assertEquals(2, real.getInt("deleted"));
        assertTrue(repo.has("new") && repo.has(amd.digest()) && repo.has(arm.digest()) && repo.has(signature.digest()));
        assertFalse(repo.has(oldImage.digest()));
        assertFalse(repo.has(oldSignature.digest()), "a referrer goes with its subject");
        Oci.given().get("/v2/" + repo.name() + "/manifests/new").then().statusCode(200);
    }

    @Test
    void neverDeletesWhatADeploymentRunsOrMayRollBackTo() throws Exception {
        String project = Accounts.project("deployed", false);
        Repo repo = Repo.create(project + "/api");
        var d1 = repo.push("1", "v1");
        var d2 = repo.push("2", "v2");
        var d3 = repo.push("3", "v3");
        var d4 = repo.push("4", "v4");
        var d5 = repo.push("5", "v5");
        var d6 = repo.push("6", "v6");
        RetentionFixtures.deployed(bootstrapServers, List.of(
                deployment(EventType.DEPLOYMENT_STARTED, repo.name(), "v2", d2.digest(), d1.digest()),
                deployment(EventType.DEPLOYMENT_SUCCEEDED, repo.name(), "v2", d2.digest(), d1.digest()),
                deployment(EventType.DEPLOYMENT_FAILED, repo.name(), "v3", d3.digest(), d2.digest()),
                deployment(EventType.DEPLOYMENT_ROLLEDBACK, repo.name(), "v4", d4.digest(), d2.digest())));
        policy(project, rule("latestPushed", 1, null, false));

        JsonPath real = run(project, "retention", false);
        assertEquals(1, real.getInt("deleted"));
        assertEquals("deployed: a deployment runs it or may roll back to it", reasons(real).get(d1.digest()));
        assertTrue(repo.has(d1.digest()) && repo.has(d2.digest()) && repo.has(d3.digest()) && repo.has(d4.digest()) && repo.has(d6.digest()));
        assertFalse(repo.has(d5.digest()));

        // Event retention never forgets a deployed digest.
        TestDatabase.execute("DELETE FROM registry.pipeline_event WHERE repository = '" + repo.name() + "'");
        assertEquals(0, run(project, "retention", false).getInt("deleted"));
        assertTrue(repo.has(d1.digest()));
    }

    @Test
    void aDryRunLeavesEveryRowAndEveryBlobFileAsItWas() throws Exception {
        String project = Accounts.project("dry", false);
        Repo repo = Repo.create(project + "/app");
        for (int i = 0; i < 5; i++) {
            repo.push(Integer.toString(i), "t" + i);
        }
        repo.push("untagged", null);
        policy(project, rule("latestPushed", 1, null, true));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("registry_event WHERE published_at IS NULL") == 0);
        Map<String, Long> rowsBefore = rowCounts();
        Map<String, String> filesBefore = files();

        JsonPath dry = run(project, "retention", true);
        assertEquals(5, actions(dry).values().stream().filter("DELETE"::equals).count());
        assertEquals(rowsBefore, rowCounts());
        assertEquals(filesBefore, files());
    }

    @Test
    void aScheduledRunRunsOnItsOwn() {
        String project = Accounts.project("scheduled", false);
        Repo repo = Repo.create(project + "/app");
        var old = repo.push("1", "v1");
        repo.push("2", "v2");
        Admin.given().contentType(ContentType.JSON).body(Map.of("rules", List.of(rule("latestPushed", 1, null, false)), "schedule", "* * * * * ?"))
                .put("/api/v1/projects/" + project + "/retention").then().statusCode(200).body("schedule", equalTo("* * * * * ?"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !repo.has(old.digest()));
            Admin.given().get("/api/v1/projects/" + project + "/retention/runs").then().statusCode(200)
                    .body("find { it.deleted == 1 }.trigger", equalTo("schedule"));
        } finally {
            policy(project, rule("latestPushed", 1, null, false));
        }
    }

    @Test
    void refusesPoliciesThatAreNotValidAndKeepsTheOldOne() {
        String project = Accounts.project("invalid", false);
        policy(project, rule("always", null, null, false));
        List<Map<String, Object>> bad = List.of(
                Map.of("rules", List.of(rule("keepSome", 1, null, false))),
                Map.of("rules", List.of(rule("latestPushed", 0, null, false))),
                Map.of("rules", List.of(rule("latestPushed", null, null, false))),
                Map.of("rules", List.of(Map.of("kind", "always", "tags", Map.of("pattern", "")))),
                Map.of("rules", List.of(Map.of("kind", "always", "repositories", Map.of("pattern", "x".repeat(300))))),
                Map.of("rules", List.of(), "schedule", "every day"),
                Map.of("rules", List.of(), "untaggedGraceHours", -1));
        for (Map<String, Object> body : bad) {
            Admin.given().contentType(ContentType.JSON).body(body).put("/api/v1/projects/" + project + "/retention")
                    .then().statusCode(400).contentType(containsString("problem+json"));
        }
        Admin.given().contentType(ContentType.JSON).body(Map.of("kind", "retention"))
                .post("/api/v1/projects/" + project + "/retention/runs").then().statusCode(400).body("detail", containsString("dryRun"));
        Admin.given().get("/api/v1/projects/" + project + "/retention").then().statusCode(200)
                .body("rules.size()", equalTo(1)).body("rules[0].kind", equalTo("always")).body("deleteUntagged", equalTo(false));
        Admin.given().get("/api/v1/projects/" + project + "/retention/runs").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void membersReadAndOnlyProjectAdminsChangeOrRun() {
        String project = Accounts.project("retention-roles", false);
        String admin = Accounts.user("padmin");
        String developer = Accounts.user("dev");
        String guest = Accounts.user("guest");
        String outsider = Accounts.user("outsider");
        String otherProject = Accounts.project("other", false);
        Accounts.member(project, admin, "projectAdmin");
        Accounts.member(project, developer, "developer");
        Accounts.member(project, guest, "guest");
        Accounts.member(otherProject, outsider, "projectAdmin");
        String path = "/api/v1/projects/" + project + "/retention";
        Map<String, Object> body = Map.of("rules", List.of(rule("latestPushed", 3, null, false)));
        Map<String, Object> dry = Map.of("dryRun", true);

        Accounts.as(admin).contentType(ContentType.JSON).body(body).put(path).then().statusCode(200);
        Accounts.as(admin).contentType(ContentType.JSON).body(dry).post(path + "/runs").then().statusCode(201);
        for (String member : new String[] {developer, guest}) {
            Accounts.as(member).get(path).then().statusCode(200).body("rules[0].count", equalTo(3));
            Accounts.as(member).get(path + "/runs").then().statusCode(200).body("size()", equalTo(1));
            Accounts.as(member).contentType(ContentType.JSON).body(Map.of("rules", List.of())).put(path).then().statusCode(403);
            Accounts.as(member).contentType(ContentType.JSON).body(dry).post(path + "/runs").then().statusCode(403);
        }
        Accounts.as(outsider).get(path).then().statusCode(404);
        Accounts.as(outsider).contentType(ContentType.JSON).body(Map.of("rules", List.of())).put(path).then().statusCode(404);
        Accounts.as(outsider).contentType(ContentType.JSON).body(dry).post(path + "/runs").then().statusCode(404);
        Oci.anonymous().get(path).then().statusCode(404);
        Oci.anonymous().contentType(ContentType.JSON).body(Map.of("rules", List.of())).put(path).then().statusCode(401);
        Oci.anonymous().contentType(ContentType.JSON).body(dry).post(path + "/runs").then().statusCode(401);
        Admin.given().get(path).then().statusCode(200).body("rules[0].count", equalTo(3));
        Admin.given().get(path + "/runs").then().statusCode(200).body("size()", equalTo(1));

        String publicProject = Accounts.project("public-retention", true);
        Oci.anonymous().get("/api/v1/projects/" + publicProject + "/retention").then().statusCode(401);
        Accounts.as(outsider).get("/api/v1/projects/" + publicProject + "/retention").then().statusCode(403);

        Admin.given().queryParam("action", "retention.policy-changed").queryParam("project", project).get("/api/v1/audit").then()
                .statusCode(200).body("records.size()", equalTo(1)).body("records[0].actor", equalTo(admin));
    }

    private long count(String from) {
        return pool.query("SELECT count(*) FROM registry." + from).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private Map<String, Long> rowCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (String table : List.of("repository", "manifest", "manifest_reference", "tag", "blob", "repository_blob", "registry_event",
                "deployed_digest")) {
            counts.put(table, count(table));
        }
        return counts;
    }

    /** Every file under the blob store: path → size and, up to 1 MiB, SHA-256 of its bytes. */
    private Map<String, String> files() throws IOException {
        Path root = Path.of(storageRoot);
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).collect(Collectors.toMap(p -> root.relativize(p).toString(), p -> {
                try {
                    long size = Files.size(p);
                    return size + ":" + (size > 1024 * 1024 ? Files.getLastModifiedTime(p).toString() : sha256(p));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, (x, y) -> x, TreeMap::new));
        }
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
