package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.NotificationEventData;
import io.wharf.events.StorageEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.registry.storage.BlobStore;

/**
 * Garbage collection through the management API, against the running registry: what it frees and
 * what it keeps, the grace, revival, crash leftovers, dry runs, who may run it, one run at a time,
 * stop, history and the {@code gc.completed} event. The test profile's grace is 1 h: a test makes the
 * blobs it wants collectable old by setting their creation time back.
 */
@QuarkusTest
class GcTest {

    /** The advisory lock GcService takes for a run ("wharf_gc"). */
    static final long RUN_LOCK = 0x7768617266_6763L;

    @Inject
    BlobStore store;

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "wharf.registry.storage.root")
    String storageRoot;

    // ------------------------------------------------------------------ what goes, what stays

    @Test
    void freesAnUnlinkedUnreferencedBlobAndKeepsWhatAManifestReferences() throws IOException {
        String repo = Oci.repo("gc-free");
        Oci.Image image = Oci.pushImage(repo, "v1");
        byte[] loose = Oci.randomBytes(300);
        String looseDigest = Oci.pushBlob(repo, loose).digest();
        // Both unlinked; the image's config is still referenced by its manifest.
        Oci.given().delete("/v2/" + repo + "/blobs/" + looseDigest).then().statusCode(202);
        Oci.given().delete("/v2/" + repo + "/blobs/" + image.config().digest()).then().statusCode(202);
        age(looseDigest, image.layer().digest(), image.config().digest());

        JsonPath run = runToEnd(false);
        assertEquals("completed", run.getString("status"));
        assertTrue(run.getLong("blobsDeleted") >= 1);
        assertTrue(run.getLong("bytesFreed") >= loose.length);

        assertNull(store.size(looseDigest).await().atMost(Duration.ofSeconds(10)), "the loose blob's bytes are gone");
        assertEquals(0, count("SELECT count(*) FROM blob WHERE digest = $1", looseDigest), "its row is gone");
        Oci.assertError(Oci.given().get("/v2/" + repo + "/blobs/" + looseDigest), 404, "BLOB_UNKNOWN");
        assertNotNull(store.size(image.config().digest()).await().atMost(Duration.ofSeconds(10)), "a referenced config stays");
        Oci.given().accept(Oci.OCI_MANIFEST).get("/v2/" + repo + "/manifests/v1").then().statusCode(200);
        assertEquals(image.layer().digest(), Oci.sha256(Oci.given().get("/v2/" + repo + "/blobs/" + image.layer().digest())
                .then().statusCode(200).extract().asInputStream()), "a linked layer pulls back");
    }

    @Test
    void keepsAnUnreferencedBlobYoungerThanTheGrace() {
        String repo = Oci.repo("gc-grace");
        byte[] young = Oci.randomBytes(100);
        String digest = unlinked(repo, young);

        runToEnd(false);
        assertNotNull(store.size(digest).await().atMost(Duration.ofSeconds(10)), "within the grace: kept");
        assertEquals("live", state(digest));

        age(digest);
        runToEnd(false);
        assertNull(store.size(digest).await().atMost(Duration.ofSeconds(10)), "past the grace: freed");
    }

    // ------------------------------------------------------------------ revival

    @Test
    void aPushOfAMarkedBlobRevivesIt() throws IOException {
        String repo = Oci.repo("gc-revive");
        byte[] bytes = Oci.randomBytes(200);
        String digest = unlinked(repo, bytes);
        age(digest);
        mark(digest);

        String other = Oci.repo("gc-revive");
        Oci.pushBlob(other, bytes);
        assertEquals("live", state(digest));
        runToEnd(false);
        Oci.assertPullsBack(other, bytes);
    }

    @Test
    void aMountOrAReadOfAMarkedBlobRevivesIt() throws IOException {
        String repo = Oci.repo("gc-mount");
        byte[] bytes = Oci.randomBytes(200);
        String digest = Oci.pushBlob(repo, bytes).digest();
        // A mark that raced with a link: the blob is linked and marked.
        mark(digest);
        String target = Oci.repo("gc-mount");
        Oci.given().post("/v2/" + target + "/blobs/uploads/?mount=" + digest + "&from=" + repo).then().statusCode(201);
        assertEquals("live", state(digest));

        mark(digest);
        String reader = Oci.repo("gc-read");
        Oci.pushBlob(reader, bytes);
        mark(digest);
        // A repository this instance has not cached the link for: the read goes to the database.
        String uncached = Oci.repo("gc-read");
        execute("INSERT INTO repository (name, project) VALUES ($1, $2)", uncached, uncached.substring(0, uncached.indexOf('/')));
        execute("INSERT INTO repository_blob (repository_id, digest) SELECT id, $2 FROM repository WHERE name = $1", uncached, digest);
        Oci.given().head("/v2/" + uncached + "/blobs/" + digest).then().statusCode(200);
        assertEquals("live", state(digest));
        Oci.assertPullsBack(uncached, bytes);
    }

    @Test
    void aCollectionOnAnotherInstanceMakesThisOneForgetCachedLinks() {
        String repo = Oci.repo("gc-notice");
        String digest = Oci.pushBlob(repo, Oci.randomBytes(90)).digest();
        // Another instance unlinked it: this one still has the link cached...
        execute("DELETE FROM repository_blob WHERE digest = $1", digest);
        Oci.given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
        // ...until that instance's collection announces the blob.
        execute("SELECT pg_notify($1, $2)", "wharf_gc_blobs", digest);
        await("the cached link is forgotten").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> Oci.given().head("/v2/" + repo + "/blobs/" + digest).statusCode() == 404);
    }

    @Test
    void aBlobBeingDeletedIsUnknownAndUploadsAgain() throws IOException {
        String repo = Oci.repo("gc-deleting");
        byte[] bytes = Oci.randomBytes(250);
        String digest = unlinked(repo, bytes);
        // What a run leaves when it stopped between "deleting" and removing the bytes.
        execute("UPDATE blob SET state = 'deleting' WHERE digest = $1", digest);

        String other = Oci.repo("gc-deleting");
        Oci.given().head("/v2/" + other + "/blobs/" + digest).then().statusCode(404);
        // A mount of it falls back to an upload session; the upload commits live bytes.
        Oci.given().post("/v2/" + other + "/blobs/uploads/?mount=" + digest + "&from=" + repo).then().statusCode(202);
        Oci.pushBlob(other, bytes);
        assertEquals("live", state(digest));
        byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, Oci.pushBlob(other, Oci.OCI_CONFIG, Oci.utf8("{}")),
                new Oci.Descriptor(Oci.OCI_LAYER, digest, bytes.length)));
        Oci.pushManifest(other, "v1", Oci.OCI_MANIFEST, manifest);

        runToEnd(false);
        Oci.assertPullsBack(other, bytes);
    }

    @Test
    void refusesAManifestWhoseBlobIsBeingDeletedOrGone() {
        String repo = Oci.repo("gc-refuse");
        Oci.Descriptor config = Oci.pushBlob(repo, Oci.OCI_CONFIG, Oci.utf8("{\"a\":\"" + Oci.suffix() + "\"}"));
        byte[] layer = Oci.randomBytes(120);
        Oci.Descriptor gone = Oci.pushBlob(repo, layer);
        Oci.given().delete("/v2/" + repo + "/blobs/" + gone.digest()).then().statusCode(202);
        age(gone.digest());
        runToEnd(false);
        Oci.assertError(Oci.putManifest(repo, "v1", Oci.OCI_MANIFEST, Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, config, gone))),
                400, "MANIFEST_BLOB_UNKNOWN");

        Oci.Descriptor deleting = Oci.pushBlob(repo, Oci.randomBytes(130));
        execute("UPDATE blob SET state = 'deleting' WHERE digest = $1", deleting.digest());
        Oci.assertError(Oci.putManifest(repo, "v2", Oci.OCI_MANIFEST, Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, config, deleting))),
                400, "MANIFEST_BLOB_UNKNOWN");
        execute("UPDATE blob SET state = 'live' WHERE digest = $1", deleting.digest());
    }

    // ------------------------------------------------------------------ crashes

    @Test
    void aLaterRunFinishesWhatACrashedRunLeft() {
        String repo = Oci.repo("gc-crash");
        String marked = Oci.pushBlob(repo, Oci.randomBytes(101)).digest();
        String deletingWithBytes = Oci.pushBlob(repo, Oci.randomBytes(102)).digest();
        String deletingWithoutBytes = Oci.pushBlob(repo, Oci.randomBytes(103)).digest();
        for (String d : List.of(marked, deletingWithBytes, deletingWithoutBytes)) {
            Oci.given().delete("/v2/" + repo + "/blobs/" + d).then().statusCode(202);
        }
        // Crash after the mark; after "deleting"; after the bytes went but before the row did.
        execute("UPDATE blob SET state = 'marked', marked_at = now(), created_at = now() - interval '2 hours' WHERE digest = $1", marked);
        execute("UPDATE blob SET state = 'deleting' WHERE digest = $1", deletingWithBytes);
        execute("UPDATE blob SET state = 'deleting' WHERE digest = $1", deletingWithoutBytes);
        store.delete(deletingWithoutBytes).await().atMost(Duration.ofSeconds(10));
        // And a run row whose instance died.
        execute("INSERT INTO gc_run (id, trigger, dry_run, status) VALUES ($1, 'schedule', false, 'running')", UUID.randomUUID());

        JsonPath run = runToEnd(false);
        assertEquals("completed", run.getString("status"));
        for (String d : List.of(marked, deletingWithBytes, deletingWithoutBytes)) {
            assertNull(store.size(d).await().atMost(Duration.ofSeconds(10)), d);
            assertEquals(0, count("SELECT count(*) FROM blob WHERE digest = $1", d), d);
        }
        assertEquals(0, count("SELECT count(*) FROM gc_run WHERE status = 'running'"));
        assertTrue(count("SELECT count(*) FROM gc_run WHERE status = 'failed' AND error LIKE '%instance%'") >= 1);
    }

    // ------------------------------------------------------------------ dry run

    @Test
    void aDryRunChangesNothing() throws IOException {
        String repo = Oci.repo("gc-dry");
        byte[] bytes = Oci.randomBytes(333);
        String digest = unlinked(repo, bytes);
        age(digest);

        Map<String, Object> before = snapshot(storageRoot);
        JsonPath run = runToEnd(true);
        assertEquals("completed", run.getString("status"));
        assertEquals(true, run.getBoolean("dryRun"));
        assertTrue(run.getLong("blobsDeleted") >= 1, "reports what it would free");
        assertTrue(run.getLong("bytesFreed") >= bytes.length);
        assertEquals(before, snapshot(storageRoot));
        assertNotNull(store.size(digest).await().atMost(Duration.ofSeconds(10)));
    }

    // ------------------------------------------------------------------ who, when

    @Test
    void onlySystemAdministratorsRunOrReadIt() {
        String project = Accounts.project("gc-roles", false);
        String developer = Accounts.user("gc-dev");
        Accounts.member(project, developer, "developer");
        Accounts.as(developer).contentType(ContentType.JSON).body(Map.of("dryRun", true)).post("/api/v1/gc").then().statusCode(403);
        Accounts.as(developer).get("/api/v1/gc").then().statusCode(403);
        Accounts.as(developer).post("/api/v1/gc/" + UUID.randomUUID() + "/stop").then().statusCode(403);
        Oci.anonymous().contentType(ContentType.JSON).body(Map.of("dryRun", true)).post("/api/v1/gc").then().statusCode(401);
        Oci.anonymous().get("/api/v1/gc").then().statusCode(401);
        Oci.anonymous().get("/api/v1/gc/" + UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void refusesBadRequests() {
        long runs = count("SELECT count(*) FROM gc_run");
        Admin.given().contentType(ContentType.JSON).body("{}").post("/api/v1/gc").then().statusCode(400)
                .body(containsString("dryRun"));
        Admin.given().contentType(ContentType.JSON).body("{\"dryRun\":\"maybe\"}").post("/api/v1/gc").then().statusCode(400);
        Admin.given().get("/api/v1/gc?limit=0").then().statusCode(400);
        Admin.given().get("/api/v1/gc?cursor=nonsense").then().statusCode(400);
        Admin.given().get("/api/v1/gc/" + UUID.randomUUID()).then().statusCode(404);
        Admin.given().get("/api/v1/gc/not-a-run").then().statusCode(404);
        assertEquals(runs, count("SELECT count(*) FROM gc_run"), "nothing started");
    }

    @Test
    void refusesASecondRunWhileOneRunsOnAnyInstance() {
        // Another instance's run holds the lock.
        SqlConnection other = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            other.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(RUN_LOCK)).await().atMost(Duration.ofSeconds(10));
            long runs = count("SELECT count(*) FROM gc_run");
            Admin.given().contentType(ContentType.JSON).body(Map.of("dryRun", false)).post("/api/v1/gc").then().statusCode(409)
                    .body("code", equalTo("CONFLICT"));
            assertEquals(runs, count("SELECT count(*) FROM gc_run"));
        } finally {
            other.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(RUN_LOCK)).await().atMost(Duration.ofSeconds(10));
            other.close().await().atMost(Duration.ofSeconds(10));
        }
        runToEnd(true);
    }

    @Test
    void aRunStopsWhenAsked() {
        // Hold the run in its mark step until the stop was asked for.
        SqlConnection blocker = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        String id;
        try {
            blocker.query("BEGIN").execute().await().atMost(Duration.ofSeconds(10));
            blocker.query("LOCK TABLE manifest_reference IN ACCESS EXCLUSIVE MODE").execute().await().atMost(Duration.ofSeconds(10));
            id = start(false);
            Admin.given().post("/api/v1/gc/" + id + "/stop").then().statusCode(202).body("stopRequested", equalTo(true));
        } finally {
            blocker.query("ROLLBACK").execute().await().atMost(Duration.ofSeconds(10));
            blocker.close().await().atMost(Duration.ofSeconds(10));
        }
        JsonPath run = awaitEnd(id);
        assertEquals("stopped", run.getString("status"));
        Admin.given().post("/api/v1/gc/" + id + "/stop").then().statusCode(409);
    }

    @Test
    void historyListsRunsNewestFirstWithWhatTheyFreed() {
        runToEnd(false); // whatever earlier tests left
        String repo = Oci.repo("gc-history");
        byte[] a = Oci.randomBytes(1000);
        byte[] b = Oci.randomBytes(2000);
        String da = Oci.pushBlob(repo, a).digest();
        String db = Oci.pushBlob(repo, b).digest();
        Oci.given().delete("/v2/" + repo + "/blobs/" + da).then().statusCode(202);
        Oci.given().delete("/v2/" + repo + "/blobs/" + db).then().statusCode(202);
        age(da, db);
        JsonPath dry = runToEnd(true);
        JsonPath real = runToEnd(false);
        assertEquals(2, dry.getLong("blobsDeleted"));
        assertEquals(3000, dry.getLong("bytesFreed"));
        assertEquals(2, real.getLong("blobsDeleted"));
        assertEquals(3000, real.getLong("bytesFreed"));
        assertEquals("manual", real.getString("trigger"));
        assertEquals(Admin.USERNAME, real.getString("requestedBy"));
        String metrics = Admin.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("wharf_gc_runs_total") && metrics.contains("wharf_gc_bytes_freed_total"), "runs are counted");

        var first = Admin.given().get("/api/v1/gc?limit=1").then().statusCode(200)
                .body("runs", hasSize(1)).body("runs[0].id", equalTo(real.getString("id"))).body("next", notNullValue())
                .header("Link", containsString("rel=\"next\"")).extract().jsonPath();
        Admin.given().get("/api/v1/gc?limit=1&cursor=" + first.getString("next")).then().statusCode(200)
                .body("runs[0].id", equalTo(dry.getString("id")));
        assertTrue(count("SELECT count(*) FROM audit_record WHERE action = 'gc.ran' AND subject = $1", "gc/" + real.getString("id")) == 1,
                "a manual run is audited");
    }

    @Test
    void publishesGcCompleted() throws Exception {
        String id = runToEnd(false).getString("id");
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        List<WharfEvent<?>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.REGISTRY_EVENTS));
            await("gc.completed of " + id).atMost(Duration.ofSeconds(60)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if ("-".equals(r.key())) {
                        WharfEvent<?> e = EventCodec.fromKafka(r);
                        if (e.type() == EventType.GC_COMPLETED && id.equals(e.storageData().gc().runId())) {
                            found.add(e);
                        }
                    }
                }
                return !found.isEmpty();
            });
        }
        StorageEventData.GcRun gc = found.get(0).storageData().gc();
        assertEquals("completed", gc.status());
        assertEquals(false, gc.dryRun());
        assertEquals("manual", gc.trigger());
        assertEquals(Admin.USERNAME, found.get(0).storageData().actor().name());

        // The notifier's outcome of delivering it names no repository (a run concerns none): the trace keeps it.
        WharfEvent<NotificationEventData> delivered = WharfEvent.create(EventType.NOTIFICATION_DELIVERED, URI.create("/wharf/notifier"),
                NotificationEventData.following(found.get(0)).subscriptionId("sub-gc").deliveryId("del-gc")
                        .channel(NotificationEventData.Channel.WEBHOOK).target("hooks.example.com").attempt(1).statusCode(204).build());
        assertNull(delivered.notificationData().repository());
        TestKafka.publish(bootstrapServers, delivered);
        await("the trace of " + found.get(0).id()).atMost(Duration.ofSeconds(30)).until(() -> Admin.given()
                .get("/api/v1/events/" + found.get(0).id() + "/trace").then().statusCode(200).extract().jsonPath()
                .getList("pipeline.id").contains(delivered.id()));
    }

    @Test
    void theDefaultScheduleIsAQuartzCronExpression() throws IOException {
        String properties = new String(GcTest.class.getResourceAsStream("/application.properties").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^wharf\\.gc\\.schedule=\\$\\{WHARF_GC_SCHEDULE:(.+)}$").matcher(properties);
        assertTrue(m.find(), "wharf.gc.schedule has a default");
        new com.cronutils.parser.CronParser(com.cronutils.model.definition.CronDefinitionBuilder.instanceDefinitionFor(
                com.cronutils.model.CronType.QUARTZ)).parse(m.group(1)).validate();
    }

    // ------------------------------------------------------------------ helpers

    static String start(boolean dryRun) {
        return Admin.given().contentType(ContentType.JSON).body(Map.of("dryRun", dryRun)).post("/api/v1/gc")
                .then().statusCode(202).body("status", equalTo("running")).extract().path("id");
    }

    static JsonPath awaitEnd(String id) {
        JsonPath[] last = new JsonPath[1];
        await("run " + id + " ends").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = Admin.given().get("/api/v1/gc/" + id).then().statusCode(200).extract().jsonPath();
            return !"running".equals(last[0].getString("status"));
        });
        return last[0];
    }

    static JsonPath runToEnd(boolean dryRun) {
        return awaitEnd(start(dryRun));
    }

    /** Sets the blobs' creation back past the test grace (1 h). */
    static void age(String... digests) {
        for (String d : digests) {
            execute("UPDATE blob SET created_at = now() - interval '2 hours', revived_at = NULL WHERE digest = $1", d);
        }
    }

    /** What a mark leaves (also one that raced with a new link). */
    static void mark(String digest) {
        execute("UPDATE blob SET state = 'marked', marked_at = now() WHERE digest = $1", digest);
    }

    /** Pushes the blob to the repository and unlinks it again; returns its digest. */
    static String unlinked(String repo, byte[] bytes) {
        String digest = Oci.pushBlob(repo, bytes).digest();
        Oci.given().delete("/v2/" + repo + "/blobs/" + digest).then().statusCode(202);
        return digest;
    }

    static String state(String digest) {
        Row row = pool().preparedQuery("SELECT state FROM blob WHERE digest = $1").execute(Tuple.of(digest))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        return row.getString(0);
    }

    static long count(String sql, Object... args) {
        return pool().preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    static void execute(String sql, Object... args) {
        pool().preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10));
    }

    private static Pool pool() {
        return Arc.container().instance(Pool.class).get();
    }

    /** Row counts and blob states of the registry's metadata, and every blob file with its bytes' digest. */
    static Map<String, Object> snapshot(String storageRoot) throws IOException {
        Map<String, Object> s = new TreeMap<>();
        for (String table : List.of("blob", "repository_blob", "manifest", "manifest_reference", "tag", "repository")) {
            s.put(table, count("SELECT count(*) FROM " + table));
        }
        s.put("states", pool().query("SELECT string_agg(digest || ':' || state || ':' || created_at, ',' ORDER BY digest) FROM blob")
                .execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0));
        Path blobs = Path.of(storageRoot, "blobs");
        try (Stream<Path> files = Files.walk(blobs)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                s.put(blobs.relativize(f).toString(), Oci.sha256(Files.readAllBytes(f)));
            }
        }
        return s;
    }

}
