package io.wharf.registry.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.storage.BlobNotFoundException;
import io.wharf.registry.storage.BlobRead;
import io.wharf.registry.storage.TestBody;

/**
 * Every kind of {@link BlobRead} a blob store may hand out, served over real HTTP as a blob GET is:
 * what a client sees (status, headers, bytes), whole and ranged.
 */
class BlobResponsesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;

    private Vertx vertx;
    private HttpServer server;
    /** What the server hands to {@link BlobResponses#send}, for the request's range. */
    private volatile Function<ByteRange, BlobRead> reads;
    private volatile long size;
    private final AtomicBoolean released = new AtomicBoolean();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(this::serve).listen(0)
                .toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** As {@code BlobEndpoints} answers a GET once the store has answered: errors the way the API writes them. */
    private void serve(HttpServerRequest request) {
        ByteRange range = ByteRange.parse(request.getHeader("Range"), size);
        BlobResponses.send(request.response(), DIGEST, size, range, reads.apply(range))
                .onFailure(failure -> Responses.error(request.response(), failure instanceof BlobNotFoundException
                        ? OciError.BLOB_UNKNOWN.exception(DIGEST) : failure));
    }

    // ---------------------------------------------------------------- file region

    @Test
    void sendsAFileRegionWhole() throws Exception {
        byte[] blob = bytes("a whole layer, sent with sendfile");
        Path file = Files.write(dir.resolve("blob"), blob);
        serveFile(file, blob.length);

        HttpResponse<byte[]> response = get(null);

        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(blob.length), header(response.headers(), "content-length"));
        assertEquals(DIGEST, header(response.headers(), "docker-content-digest"));
        assertEquals("bytes", header(response.headers(), "accept-ranges"));
        assertEquals("\"" + DIGEST + "\"", header(response.headers(), "etag"));
        assertFalse(response.headers().firstValue("content-range").isPresent());
        assertArrayEquals(blob, response.body());
    }

    @Test
    void sendsARangeOfAFileRegionWith206() throws Exception {
        byte[] blob = bytes("0123456789abcdefghij");
        serveFile(Files.write(dir.resolve("blob"), blob), blob.length);

        HttpResponse<byte[]> response = get("bytes=5-9");

        assertEquals(206, response.statusCode());
        assertEquals("bytes 5-9/20", header(response.headers(), "content-range"));
        assertEquals("5", header(response.headers(), "content-length"));
        assertArrayEquals(bytes("56789"), response.body());
    }

    @Test
    void sendsAnEmptyFileRegion() throws Exception {
        serveFile(Files.write(dir.resolve("empty"), new byte[0]), 0);

        HttpResponse<byte[]> response = get(null);

        assertEquals(200, response.statusCode());
        assertEquals("0", header(response.headers(), "content-length"));
        assertEquals(0, response.body().length);
    }

    @Test
    void answersBlobUnknownWhenTheFileWentBeforeItWasSent() throws Exception {
        serveFile(dir.resolve("collected meanwhile"), 10);

        HttpResponse<byte[]> response = get(null);

        assertEquals(404, response.statusCode());
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("BLOB_UNKNOWN"));
        assertFalse(response.headers().firstValue("docker-content-digest").isPresent());
        assertFalse(response.headers().firstValue("etag").isPresent());
    }

    // ---------------------------------------------------------------- stream

    @Test
    void pipesAStreamWithBackPressure() throws Exception {
        long blobSize = 16L * 1024 * 1024;
        size = blobSize;
        reads = range -> new BlobRead.Stream(TestBody.generated(vertx, blobSize, 7), blobSize, () -> released.set(true));

        HttpResponse<InputStream> response = HTTP.send(request(null), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(blobSize), header(response.headers(), "content-length"));
        assertEquals(TestBody.generatedDigest("sha256", blobSize, 7), sha256(response.body()));
        assertFalse(released.get(), "a stream read to its end is not released");
    }

    @Test
    void pipesARangeAsAStreamWith206() throws Exception {
        long blobSize = 1_000_000;
        size = blobSize;
        reads = range -> new BlobRead.Stream(TestBody.of(vertx,
                TestBody.generatedSlice(blobSize, 3, range.start(), (int) range.length())), range.length(), () -> { });

        HttpResponse<byte[]> response = get("bytes=-1000");

        assertEquals(206, response.statusCode());
        assertEquals("bytes 999000-999999/1000000", header(response.headers(), "content-range"));
        assertEquals("1000", header(response.headers(), "content-length"));
        assertArrayEquals(TestBody.generatedSlice(blobSize, 3, 999_000, 1000), response.body());
    }

    @Test
    void cutsTheConnectionAndReleasesTheStreamWhenItFailsMidway() {
        byte[] first = bytes("the first bytes arrive, ");
        size = 100;
        reads = range -> new BlobRead.Stream(TestBody.failingAfter(vertx, new IOException("object store connection lost"),
                first), 100, () -> released.set(true));

        // The client was promised 100 bytes and gets fewer: the connection closes without a complete answer.
        assertThrows(IOException.class, () -> get(null));
        waitUntil(released);
    }

    // -------------------------------------------------------------- redirect

    @Test
    void redirectsWith307AndNoContentHeaders() throws Exception {
        URI location = URI.create("https://objects.example/bucket/blobs/sha256/ab?X-Amz-Signature=abc");
        size = 50;
        reads = range -> new BlobRead.Redirect(location);

        for (String rangeHeader : new String[] {null, "bytes=10-19"}) {
            HttpResponse<byte[]> response = get(rangeHeader);

            assertEquals(307, response.statusCode(), String.valueOf(rangeHeader));
            assertEquals(location.toString(), header(response.headers(), "location"));
            assertEquals(DIGEST, header(response.headers(), "docker-content-digest"));
            assertEquals("0", header(response.headers(), "content-length"));
            for (String absent : new String[] {"content-range", "etag", "accept-ranges", "cache-control"}) {
                assertFalse(response.headers().firstValue(absent).isPresent(), absent);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void serveFile(Path file, long blobSize) {
        size = blobSize;
        reads = range -> range == null ? new BlobRead.FileRegion(file, 0, blobSize)
                : new BlobRead.FileRegion(file, range.start(), range.length());
    }

    private HttpRequest request(String range) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                .timeout(TIMEOUT);
        if (range != null) {
            builder.header("Range", range);
        }
        return builder.build();
    }

    private HttpResponse<byte[]> get(String range) throws Exception {
        return HTTP.send(request(range), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpHeaders headers, String name) {
        return headers.firstValue(name).orElse(null);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private static void waitUntil(AtomicBoolean condition) {
        Awaitility.await().atMost(TIMEOUT).untilTrue(condition);
    }
}
