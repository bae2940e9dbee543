package io.wharf.registry;

import static io.wharf.registry.Oci.DOCKER_CONFIG;
import static io.wharf.registry.Oci.DOCKER_LAYER;
import static io.wharf.registry.Oci.DOCKER_LIST;
import static io.wharf.registry.Oci.DOCKER_MANIFEST;
import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_INDEX;
import static io.wharf.registry.Oci.OCI_LAYER;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.index;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.pushManifest;
import static io.wharf.registry.Oci.putManifest;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.utf8;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.Oci.Descriptor;
import io.wharf.registry.Oci.Image;

/** Manifest PUT/GET/HEAD/DELETE: validation, exact bytes, content negotiation, tags. */
@QuarkusTest
class ManifestTest implements UsageChecked {

    private static final int LIMIT = 4 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + RestAssured.port + path);
    }

    private static Response get(String repo, String reference, String... accept) {
        var request = given();
        for (String a : accept) {
            request = request.header("Accept", a);
        }
        return request.get("/v2/" + repo + "/manifests/" + reference);
    }

    // ------------------------------------------------------------- push, pull

    @Test
    void servesTheExactBytesPushedByTagAndByDigest() {
        String repo = repo("exact");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        Descriptor layer = pushBlob(repo, randomBytes(20));
        // Unusual but valid JSON: odd whitespace, key order, escapes. None of it may be rewritten.
        byte[] manifest = utf8("""
                {
                   "layers" : [ {"size":%d,"digest":"%s","mediaType":"%s"} ],
                   "schemaVersion": 2,
                   "config":{"mediaType":"%s","size":2,"digest":"%s"},
                   "mediaType":"application/vnd.oci.image.manifest.v1+json",
                   "annotations": {"note": "caf\\u00e9 \u00e9t\u00e9"}
                }
                """.formatted(layer.size(), layer.digest(), OCI_LAYER, OCI_CONFIG, config.digest()));
        String digest = sha256(manifest);
        putManifest(repo, "v1", OCI_MANIFEST, manifest).then().statusCode(201)
                .header("Docker-Content-Digest", digest)
                .header("Location", "/v2/" + repo + "/manifests/" + digest)
                .header("OCI-Subject", nullValue());
        for (String reference : new String[] {"v1", digest}) {
            Response response = get(repo, reference, OCI_MANIFEST);
            response.then().statusCode(200)
                    .header("Content-Type", OCI_MANIFEST)
                    .header("Docker-Content-Digest", digest)
                    .header("Content-Length", Integer.toString(manifest.length));
            assertArrayEquals(manifest, response.asByteArray());
        }
    }

    @Test
    void answersHeadWithDigestTypeAndLengthAndNoBody() {
        String repo = repo("head");
        Image image = pushImage(repo, "latest");
        for (String reference : new String[] {"latest", image.digest()}) {
            Response response = given().head("/v2/" + repo + "/manifests/" + reference);
            response.then().statusCode(200)
                    .header("Content-Type", OCI_MANIFEST)
                    .header("Docker-Content-Digest", image.digest())
                    .header("Content-Length", Integer.toString(image.manifest().length));
            assertEquals(0, response.asByteArray().length);
        }
        given().head("/v2/" + repo + "/manifests/missing").then().statusCode(404);
    }

    @Test
    void pushesAManifestByDigestWithoutATag() {
        String repo = repo("by-digest");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, pushBlob(repo, randomBytes(10))));
        String digest = sha256(manifest);
        pushManifest(repo, digest, OCI_MANIFEST, manifest);
        assertArrayEquals(manifest, get(repo, digest).then().statusCode(200).extract().asByteArray());
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", empty());
    }

    @Test
    void rejectsAManifestWhoseBodyDoesNotMatchTheDigestInTheUrl() {
        String repo = repo("by-digest");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config));
        String other = Oci.unknownDigest();
        assertError(putManifest(repo, other, OCI_MANIFEST, manifest), 400, "DIGEST_INVALID");
        assertError(get(repo, other), 404, "MANIFEST_UNKNOWN");
        assertError(get(repo, sha256(manifest)), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void acceptsAChunkedManifestPutWithoutContentLength() throws Exception {
        // Jib sends the manifest with Transfer-Encoding: chunked.
        String repo = repo("chunked");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, pushBlob(repo, randomBytes(10))));
        HttpResponse<String> response = HTTP.send(
                Admin.request(uri("/v2/" + repo + "/manifests/v1"))
                        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(manifest)))
                        .header("Content-Type", OCI_MANIFEST).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        assertArrayEquals(manifest, get(repo, "v1").then().statusCode(200).extract().asByteArray());
    }

    @Test
    void treatsAnIdenticalRePushAsTheSameManifest() {
        String repo = repo("again");
        Image image = pushImage(repo, "v1");
        pushManifest(repo, "v1", OCI_MANIFEST, image.manifest());
        pushManifest(repo, image.digest(), OCI_MANIFEST, image.manifest());
        assertArrayEquals(image.manifest(), get(repo, "v1").then().statusCode(200).extract().asByteArray());
    }

    @Test
    void acceptsTheSameManifestPushedConcurrently() throws Exception {
        // Two CI jobs pushing the same image at once: both pushes succeed, one manifest results.
        String repo = repo("concurrent");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, pushBlob(repo, randomBytes(10))));
        List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pushes.add(HTTP.sendAsync(Admin.request(uri("/v2/" + repo + "/manifests/t" + (i % 2)))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                    .header("Content-Type", OCI_MANIFEST).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> push : pushes) {
            HttpResponse<String> response = push.get(30, TimeUnit.SECONDS);
            assertEquals(201, response.statusCode(), response.body());
            assertEquals(sha256(manifest), response.headers().firstValue("Docker-Content-Digest").orElse(null));
        }
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("t0", "t1"));
        assertArrayEquals(manifest, get(repo, sha256(manifest)).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void acceptsAManifestWithoutMediaTypeFieldUsingTheContentType() {
        String repo = repo("no-media-type");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        JsonObject json = imageManifest(OCI_MANIFEST, config, pushBlob(repo, randomBytes(10)));
        json.remove("mediaType");
        byte[] manifest = bytes(json);
        pushManifest(repo, "v1", OCI_MANIFEST, manifest);
        get(repo, "v1").then().statusCode(200).header("Content-Type", OCI_MANIFEST);
    }

    @Test
    void acceptsForeignLayersThatTheRegistryDoesNotHold() {
        String repo = repo("foreign");
        Descriptor config = pushBlob(repo, DOCKER_CONFIG, utf8("{}"));
        JsonObject json = imageManifest(DOCKER_MANIFEST, config);
        json.getJsonArray("layers").add(new JsonObject()
                .put("mediaType", "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")
                .put("digest", Oci.unknownDigest()).put("size", 1000)
                .put("urls", new JsonArray().add("https://example.com/layer")));
        pushManifest(repo, "win", DOCKER_MANIFEST, bytes(json));
    }

    // ------------------------------------------------------------ validation

    @Test
    void rejectsManifestWhoseLayerIsMissing() {
        String repo = repo("missing-layer");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        Descriptor missing = new Descriptor(OCI_LAYER, Oci.unknownDigest(), 10);
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, missing));
        assertError(putManifest(repo, "v1", OCI_MANIFEST, manifest), 400, "MANIFEST_BLOB_UNKNOWN");
        assertError(get(repo, "v1"), 404, "MANIFEST_UNKNOWN");
        assertError(get(repo, sha256(manifest)), 404, "MANIFEST_UNKNOWN");
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", empty());
    }

    @Test
    void rejectsManifestWhoseConfigIsMissingAndCreatesNoRepository() {
        String repo = repo("missing-config");
        Descriptor config = new Descriptor(OCI_CONFIG, Oci.unknownDigest(), 2);
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config));
        assertError(putManifest(repo, "v1", OCI_MANIFEST, manifest), 400, "MANIFEST_BLOB_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void rejectsManifestReferencingABlobOnlyAnotherRepositoryHas() {
        String owner = repo("owner");
        String other = repo("other");
        Descriptor config = pushBlob(other, OCI_CONFIG, utf8("{}"));
        Descriptor layer = pushBlob(owner, randomBytes(10));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, layer));
        assertError(putManifest(other, "v1", OCI_MANIFEST, manifest), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void rejectsMalformedJson() {
        String repo = repo("invalid");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, utf8("{\"schemaVersion\": 2, ")), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, utf8("not json")), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, utf8("[1,2]")), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, new byte[0]), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, utf8("{\"schemaVersion\":2,\"schemaVersion\":2}")), 400, "MANIFEST_INVALID");
        assertError(get(repo, "v1"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void rejectsAnUnknownMediaType() {
        String repo = repo("invalid");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = bytes(imageManifest("application/vnd.example.unknown+json", config));
        assertError(putManifest(repo, "v1", "application/vnd.example.unknown+json", manifest), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, manifest), 400, "MANIFEST_INVALID");
        JsonObject noType = imageManifest(OCI_MANIFEST, config);
        noType.remove("mediaType");
        noType.remove("config");
        assertError(putManifest(repo, "v1", "application/octet-stream", bytes(noType)), 400, "MANIFEST_INVALID");
    }

    @Test
    void rejectsAMediaTypeThatContradictsTheContentType() {
        String repo = repo("invalid");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config));
        assertError(putManifest(repo, "v1", DOCKER_MANIFEST, manifest), 400, "MANIFEST_INVALID");
    }

    @Test
    void rejectsSchemaVersionOtherThanTwo() {
        String repo = repo("invalid");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        JsonObject json = imageManifest(OCI_MANIFEST, config).put("schemaVersion", 1);
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(json)), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(json.put("schemaVersion", "2"))), 400, "MANIFEST_INVALID");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(json.put("schemaVersion", 2.5))), 400, "MANIFEST_INVALID");
        json.remove("schemaVersion");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(json)), 400, "MANIFEST_INVALID");
        assertError(get(repo, "v1"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void rejectsDescriptorsWithoutAValidDigest() {
        String repo = repo("invalid");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] badLayer = bytes(imageManifest(OCI_MANIFEST, config, new Descriptor(OCI_LAYER, "sha256:nothex", 1)));
        assertError(putManifest(repo, "v1", OCI_MANIFEST, badLayer), 400, "MANIFEST_INVALID");
        JsonObject noConfig = imageManifest(OCI_MANIFEST, config);
        noConfig.remove("config");
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(noConfig)), 400, "MANIFEST_INVALID");
        JsonObject negativeSize = imageManifest(OCI_MANIFEST, new Descriptor(OCI_CONFIG, config.digest(), -1));
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(negativeSize)), 400, "MANIFEST_INVALID");
    }

    @Test
    void rejectsASubjectWithoutAValidDigest() {
        String repo = repo("invalid");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        JsonObject json = imageManifest(OCI_MANIFEST, config).put("subject", new JsonObject().put("mediaType", OCI_MANIFEST).put("size", 1));
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(json)), 400, "MANIFEST_INVALID");
        json.put("subject", new Descriptor(OCI_MANIFEST, "sha256:short", 1).json());
        assertError(putManifest(repo, "v1", OCI_MANIFEST, bytes(json)), 400, "MANIFEST_INVALID");
    }

    @Test
    void rejectsAManifestLargerThanFourMiB() throws Exception {
        String repo = repo("large");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = padded(imageManifest(OCI_MANIFEST, config), LIMIT + 1);
        // Refused by its Content-Length, and while it streams in when it has none (chunked).
        for (HttpRequest.BodyPublisher body : List.of(HttpRequest.BodyPublishers.ofByteArray(manifest),
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(manifest)))) {
            HttpResponse<String> response = HTTP.send(Admin.request(uri("/v2/" + repo + "/manifests/big"))
                    .PUT(body).header("Content-Type", OCI_MANIFEST).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode());
            assertEquals("SIZE_INVALID", new JsonObject(response.body()).getJsonArray("errors").getJsonObject(0).getString("code"));
        }
        assertError(get(repo, "big"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void acceptsAManifestOfExactlyFourMiB() throws Exception {
        String repo = repo("large");
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{}"));
        byte[] manifest = padded(imageManifest(OCI_MANIFEST, config), LIMIT);
        HttpResponse<String> put = HTTP.send(Admin.request(uri("/v2/" + repo + "/manifests/limit"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).header("Content-Type", OCI_MANIFEST)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        HttpResponse<byte[]> got = HTTP.send(Admin.request(uri("/v2/" + repo + "/manifests/limit"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, got.statusCode());
        assertEquals(sha256(manifest), got.headers().firstValue("Docker-Content-Digest").orElse(null));
        assertArrayEquals(manifest, got.body());
    }

    /** The manifest with an annotation that pads it to exactly {@code size} bytes. */
    private static byte[] padded(JsonObject manifest, int size) {
        JsonObject annotations = new JsonObject().put("pad", "");
        manifest.put("annotations", annotations);
        int base = bytes(manifest).length;
        annotations.put("pad", "x".repeat(size - base));
        byte[] result = bytes(manifest);
        assertEquals(size, result.length);
        return result;
    }

    // ---------------------------------------------------------------- indexes

    @Test
    void pushesAnIndexWhoseChildrenArePresent() {
        String repo = repo("index");
        Image amd64 = pushImage(repo, "amd64");
        Image arm64 = pushImage(repo, "arm64");
        byte[] index = bytes(index(OCI_INDEX, amd64.descriptor(), arm64.descriptor()));
        Descriptor pushed = pushManifest(repo, "multi", OCI_INDEX, index);
        Response response = get(repo, "multi", OCI_MANIFEST + ", " + OCI_INDEX);
        response.then().statusCode(200).header("Content-Type", OCI_INDEX).header("Docker-Content-Digest", pushed.digest());
        assertArrayEquals(index, response.asByteArray());
    }

    @Test
    void rejectsAnIndexReferencingAMissingChild() {
        String repo = repo("index");
        Image present = pushImage(repo, "present");
        Descriptor missing = new Descriptor(OCI_MANIFEST, Oci.unknownDigest(), 500);
        byte[] index = bytes(index(OCI_INDEX, present.descriptor(), missing));
        assertError(putManifest(repo, "multi", OCI_INDEX, index), 400, "MANIFEST_BLOB_UNKNOWN");
        assertError(get(repo, "multi"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void rejectsAnIndexWhoseChildIsOnlyInAnotherRepository() {
        String owner = repo("index-owner");
        String other = repo("index-other");
        Image image = pushImage(owner, "v1");
        pushImage(other, "v1");
        assertError(putManifest(other, "multi", OCI_INDEX, bytes(index(OCI_INDEX, image.descriptor()))), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void rejectsAnIndexWithoutManifests() {
        String repo = repo("index");
        JsonObject json = new JsonObject().put("schemaVersion", 2).put("mediaType", OCI_INDEX);
        assertError(putManifest(repo, "multi", OCI_INDEX, bytes(json)), 400, "MANIFEST_INVALID");
    }

    // ----------------------------------------------------------------- docker

    @Test
    void pushesAndPullsDockerSchema2ManifestAndManifestList() {
        String repo = repo("docker");
        Descriptor config = pushBlob(repo, DOCKER_CONFIG, utf8("{\"architecture\":\"amd64\"}"));
        Descriptor layer = pushBlob(repo, DOCKER_LAYER, randomBytes(30));
        byte[] manifest = bytes(imageManifest(DOCKER_MANIFEST, config, layer));
        Descriptor pushed = pushManifest(repo, "amd64", DOCKER_MANIFEST, manifest);
        byte[] list = bytes(index(DOCKER_LIST, pushed));
        Descriptor pushedList = pushManifest(repo, "latest", DOCKER_LIST, list);

        Response gotList = get(repo, "latest", DOCKER_MANIFEST + "," + DOCKER_LIST);
        gotList.then().statusCode(200).header("Content-Type", DOCKER_LIST).header("Docker-Content-Digest", pushedList.digest());
        assertArrayEquals(list, gotList.asByteArray());
        // docker: HEAD by tag, then GET by digest.
        given().header("Accept", DOCKER_MANIFEST).header("Accept", DOCKER_LIST).head("/v2/" + repo + "/manifests/latest")
                .then().statusCode(200).header("Docker-Content-Digest", pushedList.digest())
                .header("Content-Length", Integer.toString(list.length));
        Response got = get(repo, pushed.digest(), DOCKER_MANIFEST);
        got.then().statusCode(200).header("Content-Type", DOCKER_MANIFEST)
                .header("Content-Length", Integer.toString(manifest.length));
        assertArrayEquals(manifest, got.asByteArray());
    }

    @Test
    void rejectsAManifestListReferencingAMissingManifest() {
        String repo = repo("docker");
        byte[] list = bytes(index(DOCKER_LIST, new Descriptor(DOCKER_MANIFEST, Oci.unknownDigest(), 400)));
        assertError(putManifest(repo, "latest", DOCKER_LIST, list), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    // ------------------------------------------------------------ negotiation

    @Test
    void negotiatesOnTheAcceptHeader() {
        String repo = repo("accept");
        Image image = pushImage(repo, "v1");
        // containers/image sends a list of everything it understands.
        get(repo, "v1", OCI_MANIFEST + ", " + OCI_INDEX + ", " + DOCKER_MANIFEST + ", " + DOCKER_LIST)
                .then().statusCode(200).header("Content-Type", OCI_MANIFEST);
        // Several Accept headers, parameters and quality values.
        get(repo, "v1", DOCKER_MANIFEST, OCI_MANIFEST + ";q=0.5").then().statusCode(200).header("Content-Type", OCI_MANIFEST);
        // No Accept at all, or a wildcard: whatever the manifest is.
        get(repo, "v1").then().statusCode(200).header("Content-Type", OCI_MANIFEST);
        get(repo, "v1", "*/*").then().statusCode(200).header("Content-Type", OCI_MANIFEST);
        // A client that lists only Docker types cannot read an OCI manifest.
        assertError(get(repo, "v1", DOCKER_MANIFEST + ", " + DOCKER_LIST), 404, "MANIFEST_UNKNOWN");
        assertError(get(repo, image.digest(), OCI_INDEX), 404, "MANIFEST_UNKNOWN");
    }

    // ------------------------------------------------------------------- tags

    @Test
    void movesATagToANewManifest() {
        String repo = repo("move");
        Image first = pushImage(repo, "latest");
        Image second = pushImage(repo, "latest");
        get(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", second.digest());
        get(repo, first.digest()).then().statusCode(200);
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("latest"));
    }

    @Test
    void seesItsOwnWritesRightAway() {
        // Pulls are served from caches; every change made here must show in the next request.
        String repo = repo("fresh");
        Image first = pushImage(repo, "latest");
        get(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", first.digest());
        Image second = pushImage(repo, "latest");
        get(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", second.digest());
        given().head("/v2/" + repo + "/manifests/latest").then().statusCode(200).header("Docker-Content-Digest", second.digest());
        given().delete("/v2/" + repo + "/manifests/latest").then().statusCode(202);
        assertError(get(repo, "latest"), 404, "MANIFEST_UNKNOWN");
        given().head("/v2/" + repo + "/manifests/latest").then().statusCode(404);
        get(repo, second.digest()).then().statusCode(200);
        given().delete("/v2/" + repo + "/manifests/" + second.digest()).then().statusCode(202);
        assertError(get(repo, second.digest()), 404, "MANIFEST_UNKNOWN");
        given().head("/v2/" + repo + "/manifests/" + second.digest()).then().statusCode(404);
        // Pushed again, it is back.
        pushManifest(repo, "again", OCI_MANIFEST, second.manifest());
        get(repo, second.digest()).then().statusCode(200);
        get(repo, "again").then().statusCode(200).header("Docker-Content-Digest", second.digest());
    }

    @Test
    void pointsTwoTagsAtTheSameManifest() {
        String repo = repo("two-tags");
        Image image = pushImage(repo, "a");
        pushManifest(repo, "b", OCI_MANIFEST, image.manifest());
        get(repo, "a").then().statusCode(200).header("Docker-Content-Digest", image.digest());
        get(repo, "b").then().statusCode(200).header("Docker-Content-Digest", image.digest());
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("a", "b"));
    }

    @Test
    void answersUnknownManifestsWithManifestUnknown() {
        String repo = repo("unknown");
        assertError(get(repo, "nope"), 404, "MANIFEST_UNKNOWN");
        assertError(get(repo, Oci.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        pushImage(repo, "v1");
        assertError(get(repo, "nope"), 404, "MANIFEST_UNKNOWN");
        assertError(get(repo, Oci.unknownDigest()), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void doesNotServeAManifestThroughAnotherRepository() {
        String owner = repo("owner");
        String other = repo("other");
        Image image = pushImage(owner, "v1");
        pushImage(other, "v2");
        assertError(get(other, image.digest()), 404, "MANIFEST_UNKNOWN");
        assertError(get(other, "v1"), 404, "MANIFEST_UNKNOWN");
    }

    // ----------------------------------------------------------------- delete

    @Test
    void deletesAManifestByDigestWithItsTags() {
        String repo = repo("delete");
        Image image = pushImage(repo, "v1");
        pushManifest(repo, "v2", OCI_MANIFEST, image.manifest());
        Image kept = pushImage(repo, "v3");
        given().delete("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(202);
        assertError(get(repo, image.digest()), 404, "MANIFEST_UNKNOWN");
        assertError(get(repo, "v1"), 404, "MANIFEST_UNKNOWN");
        given().head("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(404);
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("v3"));
        get(repo, kept.digest()).then().statusCode(200);
        // Its blobs stay linked.
        given().head("/v2/" + repo + "/blobs/" + image.layer().digest()).then().statusCode(200);
        assertError(given().delete("/v2/" + repo + "/manifests/" + image.digest()), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deletingATagKeepsTheManifestByDigest() {
        String repo = repo("delete-tag");
        Image image = pushImage(repo, "v1");
        pushManifest(repo, "v2", OCI_MANIFEST, image.manifest());
        given().delete("/v2/" + repo + "/manifests/v1").then().statusCode(202);
        assertError(get(repo, "v1"), 404, "MANIFEST_UNKNOWN");
        assertArrayEquals(image.manifest(), get(repo, image.digest()).then().statusCode(200).extract().asByteArray());
        get(repo, "v2").then().statusCode(200).header("Docker-Content-Digest", image.digest());
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("v2"));
        assertError(given().delete("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void answersDeleteOfAnUnknownManifestWithManifestUnknown() {
        String repo = repo("delete-unknown");
        assertError(given().delete("/v2/" + repo + "/manifests/" + Oci.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        assertError(given().delete("/v2/" + repo + "/manifests/latest"), 404, "MANIFEST_UNKNOWN");
        pushImage(repo, "v1");
        assertError(given().delete("/v2/" + repo + "/manifests/" + Oci.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        assertError(given().delete("/v2/" + repo + "/manifests/latest"), 404, "MANIFEST_UNKNOWN");
    }
}
