package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Management request bodies are bounded before they are read (issue 21, "bounded inputs"): the
 * server-wide limit is sized for layer uploads to {@code /v2/}, and before this an anonymous caller could
 * make the registry buffer gigabytes of "JSON". Sizes announced too large are refused with 413 at once;
 * chunked bodies are cut off at the limit.
 */
@QuarkusTest
class ApiBodyLimitTest {

    private static final long MIB = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Asks to upgrade to HTTP/2 (h2c), where a body needs no Content-Length at all. */
    private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + RestAssured.port + path);
    }

    /** A JSON body of about {@code size} bytes that would create project {@code name}. */
    private static byte[] projectBody(String name, long size) {
        String head = "{\"name\":\"" + name + "\",\"pad\":\"";
        StringBuilder json = new StringBuilder(head);
        json.append("x".repeat((int) Math.max(0, size - head.length() - 2))).append("\"}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String answerToHeadOnly(String method, String path, String contentType, long announced) throws Exception {
        return answerToHeadOnly(method, path, contentType, announced, null);
    }

    /**
     * Sends only a request's head (with this {@code Authorization}, when not null), announcing a body
     * that never comes, and reads the answer until the server closes.
     */
    static String answerToHeadOnly(String method, String path, String contentType, long announced, String authorization) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: registry\r\nContent-Type: " + contentType + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Length: " + announced + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAnnouncedSizeOverTheLimitIsRefusedBeforeAnyOfTheBodyIsSent() throws Exception {
        // A server that read the body first would wait for 1 TiB that never comes (and time out here).
        String answer = answerToHeadOnly("POST", "/api/v1/projects", "application/json", 1L << 40);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertTrue(answer.contains("\"code\":\"TOO_LARGE\""), answer);
        assertTrue(answer.contains("at most 1048576 bytes"), answer);
    }

    @Test
    void aJsonBodyOverOneMebibyteIsRefusedAndChangesNothing() throws Exception {
        String name = "big-" + Oci.suffix();
        HttpResponse<String> refused = HTTP.send(Admin.request(uri("/api/v1/projects")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(projectBody(name, MIB + 1))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("TOO_LARGE"), refused.body());
        Admin.given().get("/api/v1/projects/" + name).then().statusCode(404);

        // Just under the limit is an ordinary request.
        HttpResponse<String> taken = HTTP.send(Admin.request(uri("/api/v1/projects")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(projectBody(name, MIB - 100))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, taken.statusCode(), taken.body());
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimitAndOneUnderItIsRead() throws Exception {
        String name = "chunked-" + Oci.suffix();
        byte[] big = projectBody(name, 3 * MIB);
        HttpResponse<String> refused = HTTP.send(Admin.request(uri("/api/v1/projects")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("TOO_LARGE"), refused.body());
        Admin.given().get("/api/v1/projects/" + name).then().statusCode(404);
        HttpResponse<String> refused2 = HTTP2.send(Admin.request(uri("/api/v1/projects")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, refused2.statusCode(), refused2.version() + ": " + refused2.body());
        Admin.given().get("/api/v1/projects/" + name).then().statusCode(404);

        byte[] small = projectBody(name, 200);
        HttpResponse<String> taken = HTTP.send(Admin.request(uri("/api/v1/projects")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, taken.statusCode(), "a chunked body under the limit reaches the resource: " + taken.body());
        Admin.given().get("/api/v1/projects/" + name).then().statusCode(200);
    }

    @Test
    void anAnonymousCallerGetsTheSameLimit() throws Exception {
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/users")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(projectBody("x", 2 * MIB))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, refused.statusCode(), refused.body());
    }

    @Test
    void aReadmeHasItsOwnSmallerLimitCheckedFirst() throws Exception {
        String answer = answerToHeadOnly("PUT", "/api/v1/repositories/library/app/readme", "text/markdown", 256 * 1024 + 1);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("at most 262144 bytes"), answer);
    }

    @Test
    void theUiPassThroughNeedsAnAnnouncedSizeWithinTheLimit() throws Exception {
        String answer = answerToHeadOnly("POST", "/ui-api/notifier/api/v1/subscriptions", "application/json", 2 * MIB);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        byte[] body = projectBody("x", 100);
        HttpResponse<String> unannounced = HTTP.send(Admin.request(uri("/ui-api/notifier/api/v1/subscriptions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(411, unannounced.statusCode(), unannounced.body());
        assertTrue(unannounced.body().contains("LENGTH_REQUIRED"), unannounced.body());
    }
}
