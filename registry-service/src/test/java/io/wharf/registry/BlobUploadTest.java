package io.wharf.registry;

import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.concat;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.startUpload;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** The upload protocol: sessions, monolithic, streamed and chunked uploads, status, cancel, mount. */
@QuarkusTest
class BlobUploadTest implements UsageChecked {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + RestAssured.port + path);
    }

    @Test
    void startsAnUploadSessionWithLocationAndEmptyRange() {
        String repo = repo("upload");
        given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202)
                .header("Location", startsWith("/v2/" + repo + "/blobs/uploads/"))
                .header("Range", "0-0")
                .header("Docker-Upload-UUID", not(emptyOrNullString()))
                .header("Docker-Distribution-API-Version", "registry/2.0");
    }

    @Test
    void acceptsTheUploadsPathWithoutTrailingSlash() {
        String repo = repo("upload");
        given().post("/v2/" + repo + "/blobs/uploads").then().statusCode(202)
                .header("Location", startsWith("/v2/" + repo + "/blobs/uploads/"));
    }

    @Test
    void pushesAMonolithicBlobWithPostAndDigest() {
        String repo = repo("mono");
        byte[] blob = randomBytes(300);
        String digest = sha256(blob);
        given().queryParam("digest", digest).contentType("application/octet-stream").body(blob)
                .post("/v2/" + repo + "/blobs/uploads/")
                .then().statusCode(201)
                .header("Location", "/v2/" + repo + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void rejectsAMonolithicPostWhoseBodyDoesNotMatchTheDigest() {
        String repo = repo("mono");
        String claimed = sha256(randomBytes(10));
        assertError(given().queryParam("digest", claimed).contentType("application/octet-stream").body(randomBytes(10))
                .post("/v2/" + repo + "/blobs/uploads/"), 400, "DIGEST_INVALID");
        given().head("/v2/" + repo + "/blobs/" + claimed).then().statusCode(404);
    }

    @Test
    void pushesWithOnePutCarryingTheWholeBody() {
        String repo = repo("put-body");
        byte[] blob = randomBytes(500);
        String digest = sha256(blob);
        String location = startUpload(repo);
        given().queryParam("digest", digest).contentType("application/octet-stream").body(blob).put(location)
                .then().statusCode(201)
                .header("Location", "/v2/" + repo + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void pushesWithOneStreamedPatchThenAnEmptyPut() {
        String repo = repo("streamed");
        byte[] blob = randomBytes(4096);
        String digest = sha256(blob);
        String location = startUpload(repo);
        String next = given().contentType("application/octet-stream").body(blob).patch(location)
                .then().statusCode(202)
                .header("Range", "0-4095")
                .header("Location", startsWith("/v2/" + repo + "/blobs/uploads/"))
                .extract().header("Location");
        given().queryParam("digest", digest).put(next).then().statusCode(201).header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void pushesInChunksWithContentRangeThenPut() {
        String repo = repo("chunked");
        byte[] blob = randomBytes(3000);
        String digest = sha256(blob);
        String location = startUpload(repo);
        location = patchChunk(location, blob, 0, 1000).then().statusCode(202).header("Range", "0-999").extract().header("Location");
        // ORAS sends the range without the "bytes" unit.
        location = given().contentType("application/octet-stream").header("Content-Range", "1000-1999")
                .body(Arrays.copyOfRange(blob, 1000, 2000)).patch(location)
                .then().statusCode(202).header("Range", "0-1999").extract().header("Location");
        location = patchChunk(location, blob, 2000, 3000).then().statusCode(202).header("Range", "0-2999").extract().header("Location");
        given().queryParam("digest", digest).put(location).then().statusCode(201).header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void finishesAChunkedUploadWithAFinalChunkOnThePut() {
        String repo = repo("chunked");
        byte[] blob = randomBytes(2000);
        String digest = sha256(blob);
        String location = patchChunk(startUpload(repo), blob, 0, 1200).then().statusCode(202).extract().header("Location");
        given().queryParam("digest", digest).contentType("application/octet-stream")
                .header("Content-Range", "1200-1999").body(Arrays.copyOfRange(blob, 1200, 2000)).put(location)
                .then().statusCode(201).header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void rejectsAChunkThatDoesNotStartAtZeroOnAFreshUpload() {
        String repo = repo("order");
        byte[] blob = randomBytes(200);
        String location = startUpload(repo);
        assertError(patchChunk(location, blob, 100, 200), 416, "BLOB_UPLOAD_INVALID").header("Range", "0-0");
        given().get(location).then().statusCode(204).header("Range", "0-0");
    }

    @Test
    void rejectsOutOfOrderAndOverlappingChunksAndKeepsWhatWasWritten() {
        String repo = repo("order");
        byte[] blob = randomBytes(300);
        String location = patchChunk(startUpload(repo), blob, 0, 100).then().statusCode(202).extract().header("Location");
        // A gap: starts after the end.
        assertError(patchChunk(location, blob, 200, 300), 416, "BLOB_UPLOAD_INVALID").header("Range", "0-99");
        // An overlap: starts before the end.
        assertError(patchChunk(location, blob, 50, 150), 416, "BLOB_UPLOAD_INVALID").header("Range", "0-99");
        given().get(location).then().statusCode(204).header("Range", "0-99");
        // The upload goes on from where it is.
        location = patchChunk(location, blob, 100, 300).then().statusCode(202).header("Range", "0-299").extract().header("Location");
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
    }

    @Test
    void rejectsAContentRangeThatDisagreesWithContentLength() {
        String repo = repo("order");
        String location = startUpload(repo);
        assertError(given().contentType("application/octet-stream").header("Content-Range", "0-99").body(randomBytes(50))
                .patch(location), 416, "BLOB_UPLOAD_INVALID");
        given().get(location).then().statusCode(204).header("Range", "0-0");
    }

    @Test
    void rejectsAMalformedContentRange() {
        String location = startUpload(repo("order"));
        assertError(given().contentType("application/octet-stream").header("Content-Range", "bananas").body(randomBytes(5))
                .patch(location), 416, "BLOB_UPLOAD_INVALID");
    }

    @Test
    void reportsUploadStatusWith204RangeAndLocation() {
        String repo = repo("status");
        String location = startUpload(repo);
        given().get(location).then().statusCode(204)
                .header("Range", "0-0")
                .header("Content-Length", nullValue())
                .header("Location", location)
                .header("Docker-Upload-UUID", not(emptyOrNullString()));
        patchChunk(location, randomBytes(10), 0, 10).then().statusCode(202);
        given().get(location).then().statusCode(204).header("Range", "0-9").header("Location", location);
    }

    @Test
    void cancelsAnUpload() {
        String repo = repo("cancel");
        String location = startUpload(repo);
        patchChunk(location, randomBytes(10), 0, 10).then().statusCode(202);
        given().delete(location).then().statusCode(204).header("Content-Length", nullValue());
        assertError(given().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patchChunk(location, randomBytes(10), 0, 10), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().queryParam("digest", Oci.unknownDigest()).put(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void answersUnknownUploadIdsWithBlobUploadUnknown() {
        String repo = repo("unknown-upload");
        assertError(given().get("/v2/" + repo + "/blobs/uploads/3f1c5a52-0c4e-4f55-9a53-d0c1e7a1b2c3"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/blobs/uploads/not-an-id"), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void doesNotLetAnotherRepositoryUseAnUploadSession() {
        String owner = repo("owner");
        String other = repo("other");
        String location = startUpload(owner);
        String otherLocation = location.replace("/v2/" + owner + "/", "/v2/" + other + "/");
        byte[] blob = randomBytes(20);
        assertError(patchChunk(otherLocation, blob, 0, 20), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().get(otherLocation), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().delete(otherLocation), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(given().queryParam("digest", sha256(blob)).contentType("application/octet-stream").body(blob).put(otherLocation),
                404, "BLOB_UPLOAD_UNKNOWN");
        given().get(location).then().statusCode(204).header("Range", "0-0");
    }

    @Test
    void rejectsAPutWithTheWrongDigestAndServesNothing() {
        String repo = repo("wrong-digest");
        byte[] blob = randomBytes(100);
        String wrong = sha256(randomBytes(100));
        String location = patchChunk(startUpload(repo), blob, 0, 100).then().statusCode(202).extract().header("Location");
        assertError(given().queryParam("digest", wrong).put(location), 400, "DIGEST_INVALID");
        assertError(given().get("/v2/" + repo + "/blobs/" + wrong), 404, "BLOB_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/blobs/" + sha256(blob)), 404, "BLOB_UNKNOWN");
    }

    @Test
    void rejectsAPutWithoutOrWithAMalformedDigest() {
        String repo = repo("bad-digest");
        byte[] blob = randomBytes(10);
        String location = patchChunk(startUpload(repo), blob, 0, 10).then().statusCode(202).extract().header("Location");
        assertError(given().put(location), 400, "DIGEST_INVALID");
        assertError(given().queryParam("digest", "sha256:xyz").put(location), 400, "DIGEST_INVALID");
        assertError(given().queryParam("digest", "md5:d41d8cd98f00b204e9800998ecf8427e").put(location), 400, "DIGEST_INVALID");
        // The session survived the bad requests.
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
    }

    @Test
    void rejectsADigestAlgorithmTheStoreCannotKeep() {
        String repo = repo("sha384");
        byte[] blob = randomBytes(10);
        String sha384 = "sha384:" + "ab".repeat(48);
        assertError(given().queryParam("digest", sha384).contentType("application/octet-stream").body(blob)
                .post("/v2/" + repo + "/blobs/uploads/"), 400, "DIGEST_INVALID");
        String location = patchChunk(startUpload(repo), blob, 0, 10).then().statusCode(202).extract().header("Location");
        assertError(given().queryParam("digest", sha384).put(location), 400, "DIGEST_INVALID");
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
    }

    @Test
    void acceptsASha512Digest() throws Exception {
        String repo = repo("sha512");
        byte[] blob = randomBytes(100);
        String digest = "sha512:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(blob));
        given().queryParam("digest", digest).contentType("application/octet-stream").body(blob)
                .post("/v2/" + repo + "/blobs/uploads/").then().statusCode(201).header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void acceptsAnEmptyBlob() {
        String repo = repo("empty");
        String digest = sha256(new byte[0]);
        String location = startUpload(repo);
        given().queryParam("digest", digest).put(location).then().statusCode(201);
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).header("Content-Length", "0");
    }

    @Test
    void pushingTheSameBlobTwiceKeepsOneCopyServedByBoth() {
        String a = repo("twice");
        String b = repo("twice");
        byte[] blob = randomBytes(50);
        pushBlob(a, blob);
        pushBlob(b, blob);
        pushBlob(a, blob);
        assertArrayEquals(blob, given().get("/v2/" + a + "/blobs/" + sha256(blob)).then().statusCode(200).extract().asByteArray());
        assertArrayEquals(blob, given().get("/v2/" + b + "/blobs/" + sha256(blob)).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void acceptsTheSameBlobPushedConcurrently() throws Exception {
        // docker pushes layers in parallel; two images may share one.
        String repo = repo("parallel");
        byte[] blob = randomBytes(20_000);
        String digest = sha256(blob);
        List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pushes.add(HTTP.sendAsync(Admin.request(uri("/v2/" + repo + "/blobs/uploads/?digest=" + digest))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).header("Content-Type", "application/octet-stream")
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> push : pushes) {
            HttpResponse<String> response = push.get(30, TimeUnit.SECONDS);
            assertEquals(201, response.statusCode(), response.body());
        }
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void endsTheSessionWithTheCommittingPut() {
        String repo = repo("session-end");
        byte[] blob = randomBytes(10);
        String location = startUpload(repo);
        given().queryParam("digest", sha256(blob)).contentType("application/octet-stream").body(blob).put(location).then().statusCode(201);
        assertError(given().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patchChunk(location, blob, 0, 10), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    // ------------------------------------------------------------------ mount

    @Test
    void mountsABlobFromARepositoryThatHasIt() {
        String source = repo("mount-src");
        String target = repo("mount-dst");
        byte[] blob = randomBytes(64);
        String digest = pushBlob(source, blob).digest();
        given().head("/v2/" + target + "/blobs/" + digest).then().statusCode(404);
        given().queryParam("mount", digest).queryParam("from", source).post("/v2/" + target + "/blobs/uploads/")
                .then().statusCode(201)
                .header("Location", "/v2/" + target + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + target + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void fallsBackToAnUploadSessionWhenTheSourceLacksTheBlob() {
        String source = repo("mount-src");
        String target = repo("mount-dst");
        pushBlob(source, randomBytes(10));
        byte[] blob = randomBytes(64);
        String digest = sha256(blob);
        String location = given().queryParam("mount", digest).queryParam("from", source)
                .post("/v2/" + target + "/blobs/uploads/")
                .then().statusCode(202)
                .header("Location", startsWith("/v2/" + target + "/blobs/uploads/"))
                .header("Docker-Content-Digest", nullValue())
                .extract().header("Location");
        // Jib then uploads into the session it got.
        location = given().contentType("application/octet-stream").body(blob).patch(location).then().statusCode(202).extract().header("Location");
        given().queryParam("digest", digest).put(location).then().statusCode(201);
        assertArrayEquals(blob, given().get("/v2/" + target + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void fallsBackToAnUploadSessionWhenTheSourceRepositoryDoesNotExistOrIsNotNamed() {
        String target = repo("mount-dst");
        String digest = Oci.unknownDigest();
        given().queryParam("mount", digest).queryParam("from", repo("nowhere")).post("/v2/" + target + "/blobs/uploads/")
                .then().statusCode(202).header("Location", startsWith("/v2/" + target + "/blobs/uploads/"));
        given().queryParam("mount", digest).post("/v2/" + target + "/blobs/uploads/")
                .then().statusCode(202).header("Location", startsWith("/v2/" + target + "/blobs/uploads/"));
    }

    @Test
    void keepsTheConnectionUsableAfterAMount() throws Exception {
        // Clients reuse connections (keep-alive): a mount must leave the connection ready for the next request.
        String source = repo("mount-src");
        String target = repo("mount-dst");
        String digest = pushBlob(source, randomBytes(32)).digest();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> mounted = client.send(Admin.request(
                        uri("/v2/" + target + "/blobs/uploads/?mount=" + digest + "&from=" + source))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, mounted.statusCode());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> next = client.send(Admin.request(uri("/v2/" + target + "/blobs/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, next.statusCode());
        }
    }

    // ------------------------------------------------------------- streaming

    @Test
    void streamsA32MiBBlobSentWithChunkedTransferEncoding() throws Exception {
        String repo = repo("big");
        long size = 32L * 1024 * 1024;
        long seed = System.nanoTime();
        String digest = sha256(Oci.generated(seed, size));
        String location = startUpload(repo);
        // No length known up front: the client streams with Transfer-Encoding: chunked, as docker does.
        HttpResponse<Void> patched = HTTP.send(Admin.request(uri(location))
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> Oci.generated(seed, size)))
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(202, patched.statusCode());
        assertEquals("0-" + (size - 1), patched.headers().firstValue("Range").orElse(null));
        String next = patched.headers().firstValue("Location").orElseThrow();
        given().queryParam("digest", digest).put(next).then().statusCode(201).header("Docker-Content-Digest", digest);
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).header("Content-Length", Long.toString(size));
        HttpResponse<InputStream> pulled = HTTP.send(Admin.request(uri("/v2/" + repo + "/blobs/" + digest))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, pulled.statusCode());
        assertEquals(digest, sha256(pulled.body()));
    }

    @Test
    void rejectsAConcurrentPatchToTheSameUploadAndKeepsTheFirst() throws Exception {
        String repo = repo("concurrent");
        // More than the store gathers in memory before it writes (1 MiB), so the status shows progress.
        byte[] first = randomBytes(2 * 1024 * 1024);
        byte[] rest = randomBytes(1000);
        int total = first.length + rest.length;
        String location = startUpload(repo);
        // The first PATCH streams (chunked) its first part, then holds its body open.
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + Admin.BASIC + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            writeChunk(out, first);
            // Wait (polling the status, bounded) until bytes arrive: the first PATCH holds the upload.
            await("the first PATCH to start writing").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !"0-0".equals(given().get(location).then().statusCode(204).extract().header("Range")));
            assertError(given().contentType("application/octet-stream").header("Content-Range", first.length + "-" + (first.length + 9))
                    .body(randomBytes(10)).patch(location), 416, "BLOB_UPLOAD_INVALID");
            assertError(given().contentType("application/octet-stream").body(randomBytes(10)).patch(location), 416, "BLOB_UPLOAD_INVALID");
            assertError(given().queryParam("digest", sha256(first)).put(location), 416, "BLOB_UPLOAD_INVALID");
            writeChunk(out, rest);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Oci.RawResponse done = Oci.parse(socket.getInputStream().readAllBytes());
            assertEquals(202, done.status(), done.text());
            assertEquals("0-" + (total - 1), done.header("Range"));
        }
        byte[] blob = concat(first, rest);
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
        given().head("/v2/" + repo + "/blobs/" + sha256(blob)).then().statusCode(200).header("Content-Length", Integer.toString(total));
        Oci.assertPullsBack(repo, blob);
    }

    private static void writeChunk(OutputStream out, byte[] chunk) throws IOException {
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void uploadsIntoAOneComponentNameAsLibrary() {
        String name = "solo" + Oci.suffix();
        byte[] blob = randomBytes(16);
        String location = given().post("/v2/" + name + "/blobs/uploads/").then().statusCode(202)
                .header("Location", startsWith("/v2/" + name + "/blobs/uploads/")).extract().header("Location");
        // The session is the same one under library/<name>.
        given().get(location.replace("/v2/" + name + "/", "/v2/library/" + name + "/")).then().statusCode(204);
        given().queryParam("digest", sha256(blob)).contentType("application/octet-stream").body(blob).put(location)
                .then().statusCode(201).header("Location", endsWith("/blobs/" + sha256(blob)));
        given().head("/v2/library/" + name + "/blobs/" + sha256(blob)).then().statusCode(200).header("Content-Length", equalTo("16"));
    }

    private static Response patchChunk(String location, byte[] blob, int from, int to) {
        return given().contentType("application/octet-stream")
                .header("Content-Range", from + "-" + (to - 1))
                .body(Arrays.copyOfRange(blob, from, to))
                .patch(location);
    }
}
