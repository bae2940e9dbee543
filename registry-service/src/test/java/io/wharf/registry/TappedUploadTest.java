package io.wharf.registry;

import static io.wharf.registry.Oci.concat;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.startUpload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.api.BodyTap;

/**
 * Upload bodies taken from the connection without Vert.x's copy ({@link BodyTap}): on a kept-alive
 * connection every upload after the first request is tapped; these tests check that such bodies
 * are stored exactly, that pipelined requests keep their own bodies, and that a rejected or
 * broken body leaves the connection usable and the upload untouched.
 */
@QuarkusTest
class TappedUploadTest {

    @Test
    void storesAChunkedPatchSentOnAKeptAliveConnection() throws Exception {
        String repo = repo("tapped");
        byte[] blob = randomBytes(3 * 1024 * 1024 + 12345);
        try (Connection c = new Connection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status); // the connection's first request
            Reply started = c.exchange("POST /v2/" + repo + "/blobs/uploads/", new byte[0]);
            assertEquals(202, started.status);
            long before = BodyTap.tappedBytes();
            // Chunks of random sizes, as a streaming client sends them.
            c.send(head("PATCH " + started.header("location"), "Transfer-Encoding: chunked"));
            Random random = new Random(7);
            for (int at = 0; at < blob.length; ) {
                int n = Math.min(blob.length - at, 1 + random.nextInt(200_000));
                c.send((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                c.send(java.util.Arrays.copyOfRange(blob, at, at + n));
                c.send("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                at += n;
            }
            c.send("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Reply patched = c.read();
            assertEquals(202, patched.status, patched.text());
            assertEquals("0-" + (blob.length - 1), patched.header("range"));
            assertTrue(BodyTap.tappedBytes() - before >= blob.length,
                    "the PATCH body went through Vert.x: " + (BodyTap.tappedBytes() - before) + " bytes tapped");
            Reply put = c.exchange("PUT " + withDigest(patched.header("location"), blob), new byte[0]);
            assertEquals(201, put.status, put.text());
            assertEquals(sha256(blob), put.header("docker-content-digest"));
        }
        assertEquals(sha256(blob), sha256(given().get("/v2/" + repo + "/blobs/" + sha256(blob)).then().statusCode(200)
                .extract().asInputStream()));
    }

    @Test
    void keepsEachPipelinedRequestsOwnBody() throws Exception {
        String repo = repo("pipelined");
        byte[] first = randomBytes(700_000);
        byte[] last = randomBytes(5_000);
        byte[] blob = concat(first, last);
        String location = startUpload(repo);
        try (Connection c = new Connection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status);
            // Both requests leave before either answer comes back.
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(head("PATCH " + location, "Content-Length: " + first.length));
            both.write(first);
            both.write(head("PUT " + withDigest(location, blob),
                    "Content-Length: " + last.length));
            both.write(last);
            c.send(both.toByteArray());
            Reply patched = c.read();
            assertEquals(202, patched.status, patched.text());
            assertEquals("0-" + (first.length - 1), patched.header("range"));
            Reply put = c.read();
            assertEquals(201, put.status, put.text());
            assertEquals(sha256(blob), put.header("docker-content-digest"));
        }
        assertEquals(sha256(blob), sha256(given().get("/v2/" + repo + "/blobs/" + sha256(blob)).then().statusCode(200)
                .extract().asInputStream()));
    }

    @Test
    void drainsARejectedBodyAndServesTheNextRequest() throws Exception {
        String repo = repo("rejected");
        startUpload(repo);
        byte[] body = randomBytes(2 * 1024 * 1024);
        try (Connection c = new Connection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status);
            Reply rejected = c.exchange("PATCH /v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000", body);
            assertEquals(404, rejected.status, rejected.text());
            assertEquals("BLOB_UPLOAD_UNKNOWN", new JsonObject(rejected.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
            Reply next = c.exchange("GET /v2/", null);
            assertEquals(200, next.status, "the connection was left unusable after a rejected body");
            assertEquals("{}", next.text());
        }
    }

    @Test
    void keepsNothingOfABodyCutOffMidway() throws Exception {
        String repo = repo("cut");
        byte[] blob = randomBytes(4 * 1024 * 1024);
        String location = startUpload(repo);
        try (Connection c = new Connection()) {
            assertEquals(200, c.exchange("GET /v2/", null).status);
            c.send(head("PATCH " + location, "Content-Length: " + blob.length));
            c.send(java.util.Arrays.copyOf(blob, blob.length / 2));
        } // the client goes away with half its body sent
        // Once the registry has let go of the cut-off append, a new PATCH appends at the end of what
        // the upload holds: all of the blob, and nothing of the half that was cut off before it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            var patched = given().contentType("application/octet-stream").body(blob).patch(location);
            if (patched.statusCode() == 202) {
                assertEquals("0-" + (blob.length - 1), patched.header("Range"));
                break;
            }
            assertEquals(416, patched.statusCode(), patched.asString()); // still busy with the cut-off append
            assertTrue(System.nanoTime() < deadline, "the cut-off append never let go of the upload");
            Thread.onSpinWait();
        }
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
    }

    private static String withDigest(String location, byte[] blob) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + sha256(blob);
    }

    private static byte[] head(String requestLine, String... headers) {
        StringBuilder s = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ")
                .append(Admin.BASIC).append("\r\nContent-Type: application/octet-stream\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One kept-alive HTTP/1.1 connection, written and read by hand. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection() throws IOException {
            socket = new Socket("127.0.0.1", RestAssured.port);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        /** Sends a request ({@code body} null: no body at all) and reads its response. */
        Reply exchange(String requestLine, byte[] body) throws IOException {
            send(body == null ? head(requestLine) : head(requestLine, "Content-Length: " + body.length));
            if (body != null) {
                send(body);
            }
            return read();
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads one response whose body has a Content-Length (every registry response does). */
        Reply read() throws IOException {
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection closed mid-response: " + headBytes);
                }
                headBytes.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
