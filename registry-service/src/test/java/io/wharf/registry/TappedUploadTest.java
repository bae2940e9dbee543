package io.wharf.registry;

import static io.wharf.registry.Oci.concat;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.startUpload;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.api.fastpath.FastPath;
import io.wharf.registry.config.RegistryConfig;

/**
 * Upload bodies taken from the connection without Vert.x's copy ({@link FastPath}): on a kept-alive
 * connection every upload after the first request is tapped; these tests check that such bodies
 * are stored exactly, that pipelined requests keep their own bodies, and that a rejected or
 * broken body leaves the connection usable and the upload untouched. With the fast path off
 * ({@code -Dwharf.registry.fast-path.enabled=false}) the same uploads must behave alike with no
 * byte tapped.
 */
@QuarkusTest
class TappedUploadTest {

    @Inject
    RegistryConfig config;

    @Test
    void storesAChunkedPatchSentOnAKeptAliveConnection() throws Exception {
        String repo = repo("tapped");
        byte[] blob = randomBytes(3 * 1024 * 1024 + 12345);
        try (RawConnection c = new RawConnection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status()); // the connection's first request
            RawConnection.Reply started = c.exchange("POST /v2/" + repo + "/blobs/uploads/", new byte[0]);
            assertEquals(202, started.status());
            long before = FastPath.tappedBytes();
            // Chunks of random sizes, as a streaming client sends them.
            c.send(RawConnection.head("PATCH " + started.header("location"), "Transfer-Encoding: chunked"));
            Random random = new Random(7);
            for (int at = 0; at < blob.length; ) {
                int n = Math.min(blob.length - at, 1 + random.nextInt(200_000));
                c.send((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                c.send(java.util.Arrays.copyOfRange(blob, at, at + n));
                c.send("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                at += n;
            }
            c.send("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawConnection.Reply patched = c.read();
            assertEquals(202, patched.status(), patched.text());
            assertEquals("0-" + (blob.length - 1), patched.header("range"));
            long tapped = FastPath.tappedBytes() - before;
            if (config.fastPath().enabled()) {
                assertTrue(tapped >= blob.length, "the PATCH body went through Vert.x: " + tapped + " bytes tapped");
            } else {
                assertEquals(0, tapped, "the fast path is off, yet the PATCH body was tapped");
            }
            RawConnection.Reply put = c.exchange("PUT " + withDigest(patched.header("location"), blob), new byte[0]);
            assertEquals(201, put.status(), put.text());
            assertEquals(sha256(blob), put.header("docker-content-digest"));
        }
        Oci.assertPullsBack(repo, blob);
    }

    @Test
    void keepsEachPipelinedRequestsOwnBody() throws Exception {
        String repo = repo("pipelined");
        byte[] first = randomBytes(700_000);
        byte[] last = randomBytes(5_000);
        byte[] blob = concat(first, last);
        String location = startUpload(repo);
        try (RawConnection c = new RawConnection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status());
            // Both requests leave before either answer comes back.
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(RawConnection.head("PATCH " + location, "Content-Length: " + first.length));
            both.write(first);
            both.write(RawConnection.head("PUT " + withDigest(location, blob),
                    "Content-Length: " + last.length));
            both.write(last);
            c.send(both.toByteArray());
            RawConnection.Reply patched = c.read();
            assertEquals(202, patched.status(), patched.text());
            assertEquals("0-" + (first.length - 1), patched.header("range"));
            RawConnection.Reply put = c.read();
            assertEquals(201, put.status(), put.text());
            assertEquals(sha256(blob), put.header("docker-content-digest"));
        }
        Oci.assertPullsBack(repo, blob);
    }

    @Test
    void drainsARejectedBodyAndServesTheNextRequest() throws Exception {
        String repo = repo("rejected");
        startUpload(repo);
        byte[] body = randomBytes(2 * 1024 * 1024);
        try (RawConnection c = new RawConnection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status());
            RawConnection.Reply rejected = c.exchange("PATCH /v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000", body);
            assertEquals(404, rejected.status(), rejected.text());
            assertEquals("BLOB_UPLOAD_UNKNOWN", new JsonObject(rejected.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
            RawConnection.Reply next = c.exchange("GET /v2/", null);
            assertEquals(200, next.status(), "the connection was left unusable after a rejected body");
            assertEquals("{}", next.text());
        }
    }

    @Test
    void keepsNothingOfABodyCutOffMidway() throws Exception {
        String repo = repo("cut");
        byte[] blob = randomBytes(4 * 1024 * 1024);
        String location = startUpload(repo);
        try (RawConnection c = new RawConnection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status());
            c.send(RawConnection.head("PATCH " + location, "Content-Length: " + blob.length));
            c.send(java.util.Arrays.copyOf(blob, blob.length / 2));
        } // the client goes away with half its body sent
        // Once the registry has let go of the cut-off append, a new PATCH appends at the end of what
        // the upload holds: all of the blob, and nothing of the half that was cut off before it.
        var patched = await("the cut-off append to let go of the upload").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> given().contentType("application/octet-stream").body(blob).patch(location), r -> {
                    if (r.statusCode() != 202) {
                        assertEquals(416, r.statusCode(), r.asString()); // still busy with the cut-off append
                    }
                    return r.statusCode() == 202;
                });
        assertEquals("0-" + (blob.length - 1), patched.header("Range"));
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
    }

    private static String withDigest(String location, byte[] blob) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + sha256(blob);
    }
}
