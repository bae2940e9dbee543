package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_LAYER;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.pushManifest;
import static io.wharf.registry.Oci.putManifest;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.startUpload;
import static io.wharf.registry.Oci.utf8;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.wharf.access.ProjectRole;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.StorageEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;
import io.wharf.registry.api.fastpath.FastPath;

/**
 * Per-project quotas: pushes that would exceed are refused before their bytes are stored, at every
 * step of the upload protocol and at the manifest PUT; shared layers count once; deletes always
 * work; quota events reach Kafka; only system administrators set quotas. After each test the usage
 * the registry keeps equals an SQL recomputation ({@link UsageChecked}).
 */
@QuarkusTest
class QuotaTest implements UsageChecked {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Where the test profile's filesystem store keeps its files. */
    private static final Path STORE = Path.of("target/registry-data");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    // ------------------------------------------------------------ usage

    @Test
    void aLayerSharedByTwoRepositoriesCountsOnce() {
        String p = Accounts.project("quota-shared", false);
        setQuota(p, "1MiB", null);
        byte[] layer = randomBytes(5000);
        Oci.Descriptor config1 = pushBlob(p + "/one", OCI_CONFIG, utf8("{\"n\":1}"));
        Oci.Descriptor layer1 = pushBlob(p + "/one", OCI_LAYER, layer);
        byte[] manifest1 = bytes(imageManifest(OCI_MANIFEST, config1, layer1));
        pushManifest(p + "/one", "v1", OCI_MANIFEST, manifest1);
        // The same layer again, uploaded into another repository, and tagged twice there.
        Oci.Descriptor config2 = pushBlob(p + "/two", OCI_CONFIG, utf8("{\"n\":2}"));
        pushBlob(p + "/two", OCI_LAYER, layer);
        byte[] manifest2 = bytes(imageManifest(OCI_MANIFEST, config2, layer1));
        pushManifest(p + "/two", "v1", OCI_MANIFEST, manifest2);
        pushManifest(p + "/two", "latest", OCI_MANIFEST, manifest2);

        long expected = layer.length + config1.size() + config2.size() + manifest1.length + manifest2.length;
        Admin.given().get("/api/v1/projects/" + p + "/quota").then().statusCode(200)
                .body("used", equalTo((int) expected))
                .body("artifacts", equalTo(2))
                .body("storageLimit", equalTo(1024 * 1024))
                .body("percent", equalTo((int) (expected * 100 / (1024 * 1024))));

        // A full project may still mount what it holds: no new bytes.
        setQuota(p, Long.toString(expected), null);
        given().post("/v2/" + p + "/three/blobs/uploads/?mount=" + layer1.digest() + "&from=" + p + "/one")
                .then().statusCode(201);
        assertEquals(expected, used(p));
    }

    // ------------------------------------------------------------ refusals before bytes are stored

    @Test
    void refusesAMonolithicUploadOverQuotaAtThePost() {
        String p = Accounts.project("quota-mono", false);
        setQuota(p, "1000", null);
        byte[] blob = randomBytes(2000);
        String digest = sha256(blob);
        Response refused = given().queryParam("digest", digest).contentType("application/octet-stream").body(blob)
                .post("/v2/" + p + "/app/blobs/uploads/");
        assertError(refused, 403, "DENIED")
                .body("errors[0].message", equalTo("quota exceeded: project " + p + " uses 0 B of 1000 B; this push needs 2 KiB"))
                .body("errors[0].detail.project", equalTo(p))
                .body("errors[0].detail.resource", equalTo("storage"))
                .body("errors[0].detail.used", equalTo(0))
                .body("errors[0].detail.limit", equalTo(1000))
                .body("errors[0].detail.requested", equalTo(2000));
        assertFalse(Files.exists(blobFile(digest)), "the refused blob is not in the store");
        given().head("/v2/" + p + "/app/blobs/" + digest).then().statusCode(404);
        assertEquals(0, used(p));
    }

    @Test
    void refusesAPatchThatWouldPassTheLimitAndKeepsNothingOfIt() throws Exception {
        String p = Accounts.project("quota-patch", false);
        setQuota(p, "10000", null);
        String repo = p + "/app";
        String location = startUpload(repo);
        String next = given().contentType("application/octet-stream").body(randomBytes(6000)).patch(location)
                .then().statusCode(202).header("Range", "0-5999").extract().header("Location");

        // Its Content-Length says it cannot fit: refused before its bytes are read.
        assertError(given().contentType("application/octet-stream").body(randomBytes(6000)).patch(next), 403, "DENIED")
                .body("errors[0].message", startsWith("quota exceeded: project " + p + " uses 0 B of 9.8 KiB"))
                .body("errors[0].detail.requested", equalTo(12000));

        // Streamed without a length, as docker sends a layer: refused at the buffer that would pass the limit.
        HttpResponse<String> streamed = HTTP.send(Admin.request(uri(next))
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> Oci.generated(7, 200_000)))
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, streamed.statusCode(), streamed.body());
        assertTrue(streamed.body().contains("quota exceeded: project " + p), streamed.body());

        // The upload holds what it held before: nothing of the refused bytes.
        given().get(next).then().statusCode(204).header("Range", "0-5999");
        String id = next.substring(next.lastIndexOf('/') + 1);
        assertEquals(6000, Files.size(STORE.resolve("uploads").resolve(id).resolve("data")));
        assertEquals(0, used(p));
    }

    @Test
    void refusesATappedStreamedPatchMidwayAndTheConnectionCarriesOn() throws Exception {
        refusesAStreamedPatchMidway(Accounts.project("quota-tap", false), true);
    }

    /**
     * A PATCH streamed in chunks without a length (as docker sends a layer) on a kept-alive
     * connection, whose later uploads the fast path taps: refused with the quota message at the
     * buffer that would pass the limit, nothing of it kept, and the connection takes the next request.
     */
    static void refusesAStreamedPatchMidway(String project, boolean tapped) throws Exception {
        setQuota(project, "100000", null);
        long tappedBefore = FastPath.tappedBytes();
        try (RawConnection c = new RawConnection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status());
            RawConnection.Reply started = c.exchange("POST /v2/" + project + "/app/blobs/uploads/", new byte[0]);
            assertEquals(202, started.status(), started.text());
            String location = started.header("location");
            c.send(RawConnection.head("PATCH " + location, "Transfer-Encoding: chunked"));
            for (int i = 0; i < 20; i++) { // 320 KiB
                byte[] chunk = randomBytes(16 * 1024);
                c.send((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                c.send(chunk);
                c.send("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            c.send("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawConnection.Reply refused = c.read();
            assertEquals(403, refused.status(), refused.text());
            assertTrue(refused.text().contains("quota exceeded: project " + project + " uses 0 B of 97.7 KiB"), refused.text());
            RawConnection.Reply status = c.exchange("GET " + location, null);
            assertEquals(204, status.status(), status.text());
            assertEquals("0-0", status.header("range"));
            String id = location.substring(location.lastIndexOf('/') + 1);
            assertEquals(0, Files.size(STORE.resolve("uploads").resolve(id).resolve("data")));
        }
        assertEquals(tapped, FastPath.tappedBytes() > tappedBefore, "bodies tapped: " + tapped);
        assertEquals(0, used(project));
    }

    @Test
    void refusesAnUploadThatWaitsFor100ContinueWithoutAskingForItsBytes() throws Exception {
        String p = Accounts.project("quota-expect", false);
        setQuota(p, "1000", null);
        try (RawConnection c = new RawConnection()) {
            c.send(RawConnection.head("POST /v2/" + p + "/app/blobs/uploads/?digest=" + Oci.unknownDigest(),
                    "Content-Length: 5000000", "Expect: 100-continue"));
            RawConnection.Reply refused = c.read(); // no 100 Continue first: the client never sends the body
            assertEquals(403, refused.status(), refused.text());
            assertTrue(refused.text().contains("this push needs 4.8 MiB"), refused.text());
            assertTrue(c.closedByServer(), "the connection cannot carry another request after an unsent body");
        }
    }

    @Test
    void refusesTheBlobCommitWhenTheProjectFilledUpMeanwhileAndDropsTheUpload() {
        String p = Accounts.project("quota-commit", false);
        setQuota(p, "10000", null);
        String repo = p + "/app";
        byte[] first = randomBytes(6000);
        String next = given().contentType("application/octet-stream").body(first).patch(startUpload(repo))
                .then().statusCode(202).extract().header("Location");
        pushBlob(repo, randomBytes(6000)); // another push takes the room

        assertError(given().queryParam("digest", sha256(first)).put(next), 403, "DENIED")
                .body("errors[0].detail.used", equalTo(6000))
                .body("errors[0].detail.requested", equalTo(6000));
        assertFalse(Files.exists(blobFile(sha256(first))));
        given().get(next).then().statusCode(404); // the upload went with its bytes
        assertEquals(6000, used(p));
    }

    @Test
    void refusesAManifestOverTheArtifactOrStorageLimit() {
        String p = Accounts.project("quota-manifest", false);
        String repo = p + "/app";
        setQuota(p, null, 1L);
        Oci.Image first = pushImage(repo, "v1");
        Oci.Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{\"second\":true}"));
        byte[] second = bytes(imageManifest(OCI_MANIFEST, config, first.layer()));
        assertError(putManifest(repo, "v2", OCI_MANIFEST, second), 403, "DENIED")
                .body("errors[0].message", equalTo("quota exceeded: project " + p + " has 1 of 1 artifacts; this push needs 1 more"))
                .body("errors[0].detail.resource", equalTo("artifacts"));
        given().head("/v2/" + repo + "/manifests/v2").then().statusCode(404);
        // A manifest the repository has already costs nothing: tagging it again works.
        pushManifest(repo, "again", OCI_MANIFEST, first.manifest());

        // Storage: the blobs fit exactly, the manifest's own bytes do not.
        setQuota(p, Long.toString(used(p)), null);
        assertError(putManifest(repo, "v2", OCI_MANIFEST, second), 403, "DENIED")
                .body("errors[0].detail.resource", equalTo("storage"))
                .body("errors[0].detail.requested", equalTo(second.length));
        given().head("/v2/" + repo + "/manifests/v2").then().statusCode(404);
    }

    @Test
    void deletesWorkOverQuotaAndUsageDrops() {
        String p = Accounts.project("quota-delete", false);
        String repo = p + "/app";
        Oci.Image image = pushImage(repo, "v1");
        assertTrue(used(p) > 0);
        setQuota(p, "1", 0L); // far below what the project holds
        given().delete("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(202);
        given().delete("/v2/" + repo + "/blobs/" + image.layer().digest()).then().statusCode(202);
        given().delete("/v2/" + repo + "/blobs/" + image.config().digest()).then().statusCode(202);
        Admin.given().get("/api/v1/projects/" + p + "/quota").then().statusCode(200)
                .body("used", equalTo(0)).body("artifacts", equalTo(0));
    }

    // ------------------------------------------------------------ events

    @Test
    void warningAndExceededEventsReachKafkaOnceWithTheNumbers() {
        String p = Accounts.project("quota-events", false);
        String repo = p + "/app";
        setQuota(p, "1000", null);
        pushBlob(repo, randomBytes(900));  // 90 %: past the warning percent (85)
        pushBlob(repo, randomBytes(50));   // still past: no second warning
        byte[] big = randomBytes(200);
        for (int i = 0; i < 2; i++) {       // two refusals within a minute: one event
            assertError(given().queryParam("digest", sha256(big)).contentType("application/octet-stream").body(big)
                    .post("/v2/" + repo + "/blobs/uploads/"), 403, "DENIED");
        }

        List<ConsumerRecord<String, byte[]>> records = TestKafka.read(bootstrapServers, Topics.REGISTRY_EVENTS,
                r -> p.equals(r.key()), found -> found.size() >= 2, Duration.ofSeconds(60), Duration.ofSeconds(2));
        assertEquals(2, records.size(), "one warning, one exceeded");
        WharfEvent<?> warning = EventCodec.fromKafka(records.get(0));
        WharfEvent<?> exceeded = EventCodec.fromKafka(records.get(1));
        assertEquals(EventType.QUOTA_WARNING, warning.type());
        assertEquals(EventType.QUOTA_EXCEEDED, exceeded.type());
        StorageEventData w = warning.storageData();
        assertEquals(p, w.project());
        assertEquals(repo, w.repository());
        assertEquals(new StorageEventData.Quota("storage", 900L, 1000L, 0L, 90), w.quota());
        StorageEventData x = exceeded.storageData();
        assertEquals(repo, x.repository());
        assertEquals(new StorageEventData.Quota("storage", 950L, 1000L, 200L, 95), x.quota());
        assertEquals("admin", x.actor().name());
    }

    // ------------------------------------------------------------ management API

    @Test
    void membersReadTheQuotaOnlySystemAdministratorsSetIt() {
        String p = Accounts.project("quota-perm", false);
        String owner = Accounts.user("quota-owner");
        String dev = Accounts.user("quota-dev");
        String stranger = Accounts.user("quota-stranger");
        Accounts.member(p, owner, ProjectRole.PROJECT_ADMIN.wireName());
        Accounts.member(p, dev, ProjectRole.DEVELOPER.wireName());
        setQuota(p, "1GiB", null);
        Map<String, Object> raise = Map.of("storageLimit", "1TiB");

        Accounts.as(dev).get("/api/v1/projects/" + p + "/quota").then().statusCode(200).body("storageLimit", equalTo(1 << 30));
        Accounts.as(owner).contentType(ContentType.JSON).body(raise).put("/api/v1/projects/" + p + "/quota").then().statusCode(403);
        Accounts.as(dev).contentType(ContentType.JSON).body(raise).put("/api/v1/projects/" + p + "/quota").then().statusCode(403);
        Oci.anonymous().contentType(ContentType.JSON).body(raise).put("/api/v1/projects/" + p + "/quota").then().statusCode(401);
        Accounts.as(stranger).get("/api/v1/projects/" + p + "/quota").then().statusCode(404);
        Oci.anonymous().get("/api/v1/projects/" + p + "/quota").then().statusCode(404);
        Accounts.as(owner).get("/api/v1/quotas").then().statusCode(403);
        Oci.anonymous().get("/api/v1/quotas").then().statusCode(401);
        Admin.given().get("/api/v1/projects/" + p + "/quota").then().statusCode(200).body("storageLimit", equalTo(1 << 30));

        // The administrator's change is audited; the refused ones left no entry.
        List<Map<String, Object>> entries = Admin.given().queryParam("action", "quota.changed").queryParam("project", p)
                .queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("records");
        assertEquals(1, entries.size(), entries.toString());
        assertEquals("admin", entries.get(0).get("actor"));
        assertEquals(p, entries.get(0).get("subject"));
        assertEquals(Map.of("storageLimit", Integer.toString(1 << 30), "artifactLimit", "unlimited"), entries.get(0).get("summary"));
    }

    @Test
    void concurrentPushesAndDeletesOfASharedLayerKeepUsageExact() throws Exception {
        String p = Accounts.project("quota-race", false);
        setQuota(p, "1MiB", null);
        byte[] layer = randomBytes(4000);
        String digest = sha256(layer);
        for (int i = 0; i < 8; i++) {
            pushBlob(p + "/old" + i, layer);
        }
        // The same layer: pushed into 16 new repositories while the 8 old ones unlink it, all at once.
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            requests.add(HTTP.sendAsync(Admin.request(uri("/v2/" + p + "/new" + i + "/blobs/uploads/?digest=" + digest))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(layer)).header("Content-Type", "application/octet-stream")
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            if (i < 8) {
                requests.add(HTTP.sendAsync(Admin.request(uri("/v2/" + p + "/old" + i + "/blobs/" + digest)).DELETE()
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
        }
        for (CompletableFuture<HttpResponse<String>> r : requests) {
            HttpResponse<String> answer = r.get(90, TimeUnit.SECONDS);
            assertTrue(answer.statusCode() == 201 || answer.statusCode() == 202, answer.statusCode() + " " + answer.body());
        }
        assertEquals(layer.length, used(p));
        for (int i = 0; i < 16; i++) {
            given().delete("/v2/" + p + "/new" + i + "/blobs/" + digest).then().statusCode(202);
        }
        assertEquals(0, used(p));
    }

    @Test
    void refusesBadLimitsWithA400AndChangesNothing() {
        String p = Accounts.project("quota-bad", false);
        setQuota(p, "5MiB", 10L);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("storageLimit", "ten gigs"), Map.of("storageLimit", "-5"),
                Map.of("artifactLimit", -1), Map.of("storageLimit", "99999999999999999999TiB"))) {
            Admin.given().contentType(ContentType.JSON).body(bad).put("/api/v1/projects/" + p + "/quota").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        Admin.given().contentType(ContentType.JSON).put("/api/v1/projects/" + p + "/quota").then().statusCode(400);
        Admin.given().get("/api/v1/projects/" + p + "/quota").then().statusCode(200)
                .body("storageLimit", equalTo(5 * 1024 * 1024)).body("artifactLimit", equalTo(10));
        Admin.given().contentType(ContentType.JSON).body(Map.of("storageLimit", "x")).put("/api/v1/projects/nosuch-" + Oci.suffix() + "/quota")
                .then().statusCode(400);
    }

    @Test
    void listsEveryProjectFullestFirstAndRecomputesDrift() {
        String full = Accounts.project("quota-full", false);
        pushBlob(full + "/app", randomBytes(1000));
        setQuota(full, "1000", null);
        String half = Accounts.project("quota-half", false);
        pushBlob(half + "/app", randomBytes(500));
        setQuota(half, "1000", null);
        List<String> names = Admin.given().get("/api/v1/quotas").then().statusCode(200).extract().path("project");
        assertTrue(names.indexOf(full) >= 0 && names.indexOf(full) < names.indexOf(half), names.toString());

        TestDatabase.execute("UPDATE project_usage SET blob_bytes = 1 WHERE project = '" + half + "'");
        List<String> corrected = Admin.given().post("/api/v1/quotas/recompute").then().statusCode(200).extract().path("corrected");
        assertEquals(List.of(half), corrected);
        assertEquals(500, used(half));
        Accounts.as(Accounts.user("quota-nobody")).post("/api/v1/quotas/recompute").then().statusCode(403);
    }

    @Test
    void aNewProjectStartsWithTheDefaultQuota() {
        // What the start writes from wharf.quota.default-storage (none in the test profile), set here as 10 GiB would.
        TestDatabase.execute("UPDATE quota_default SET storage_limit = 10737418240");
        try {
            String p = Accounts.project("quota-default", false);
            Admin.given().get("/api/v1/projects/" + p + "/quota").then().statusCode(200)
                    .body("storageLimit", equalTo(10737418240L)).body("artifactLimit", equalTo(null));
        } finally {
            TestDatabase.execute("UPDATE quota_default SET storage_limit = NULL");
        }
        String unlimited = Accounts.project("quota-none", false);
        Admin.given().get("/api/v1/projects/" + unlimited + "/quota").then().statusCode(200)
                .body("storageLimit", equalTo(null)).body("percent", equalTo(null));
    }

    // ------------------------------------------------------------ helpers

    static void setQuota(String project, String storage, Long artifacts) {
        Map<String, Object> body = new HashMap<>();
        body.put("storageLimit", storage);
        body.put("artifactLimit", artifacts);
        Admin.given().contentType(ContentType.JSON).body(body).put("/api/v1/projects/" + project + "/quota").then().statusCode(200);
    }

    static long used(String project) {
        Number n = Admin.given().get("/api/v1/projects/" + project + "/quota").then().statusCode(200).extract().path("used");
        return n.longValue();
    }

    private static Path blobFile(String digest) {
        String hex = digest.substring("sha256:".length());
        return STORE.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + RestAssured.port + path);
    }
}
