package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.startUpload;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.Oci.Descriptor;
import io.wharf.registry.Oci.Image;

/** What real clients do on the wire: TLS probes on the plain port, and HTTP/2 by h2c upgrade (ORAS). */
@QuarkusTest
class ProtocolTest {

    /** A client that offers {@code Upgrade: h2c}; the server takes it, so requests after the first are HTTP/2. */
    private static HttpClient h2c() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    }

    private static HttpRequest.Builder request(String path) {
        return Admin.request(URI.create("http://127.0.0.1:" + RestAssured.port + path)).timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonArray("errors").getJsonObject(0).getString("code");
    }

    @Test
    void pullsAndPushesOverH2c() throws Exception {
        HttpClient client = h2c();
        String repo = repo("h2c");
        Image image = pushImage(repo, "v1");
        HttpResponse<byte[]> manifest = client.send(request("/v2/" + repo + "/manifests/v1").header("Accept", OCI_MANIFEST).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, manifest.statusCode());
        assertArrayEquals(image.manifest(), manifest.body());
        assertEquals(image.digest(), manifest.headers().firstValue("Docker-Content-Digest").orElse(null));

        byte[] blob = randomBytes(5000);
        HttpResponse<String> pushed = send(client, request("/v2/" + repo + "/blobs/uploads/?digest=" + sha256(blob))
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).header("Content-Type", "application/octet-stream"));
        assertEquals(HttpClient.Version.HTTP_2, pushed.version());
        assertEquals(201, pushed.statusCode(), pushed.body());
        HttpResponse<byte[]> pulled = client.send(request("/v2/" + repo + "/blobs/" + sha256(blob)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pulled.statusCode());
        assertArrayEquals(blob, pulled.body());
        HttpResponse<String> tagged = send(client, request("/v2/" + repo + "/manifests/v2")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image.manifest())).header("Content-Type", OCI_MANIFEST));
        assertEquals(201, tagged.statusCode(), tagged.body());
    }

    @Test
    void answersErrorsFoundAfterADatabaseRoundTripOverH2c() throws Exception {
        HttpClient client = h2c();
        String repo = repo("h2c-errors");
        pushImage(repo, "v1");
        send(client, request("/v2/")); // the upgrade
        HttpResponse<String> missing = send(client, request("/v2/" + repo + "/manifests/nope"));
        assertEquals(HttpClient.Version.HTTP_2, missing.version());
        assertEquals(404, missing.statusCode());
        assertEquals("MANIFEST_UNKNOWN", code(missing));
        HttpResponse<String> noBlob = send(client, request("/v2/" + repo + "/blobs/" + Oci.unknownDigest()));
        assertEquals(404, noBlob.statusCode());
        assertEquals("BLOB_UNKNOWN", code(noBlob));
        // After the body was read, too.
        byte[] dangling = bytes(imageManifest(OCI_MANIFEST, new Descriptor(OCI_CONFIG, Oci.unknownDigest(), 2)));
        HttpResponse<String> refused = send(client, request("/v2/" + repo + "/manifests/v3")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(dangling)).header("Content-Type", OCI_MANIFEST));
        assertEquals(400, refused.statusCode());
        assertEquals("MANIFEST_BLOB_UNKNOWN", code(refused));
    }

    @Test
    void uploadsChunksOverH2c() throws Exception {
        HttpClient client = h2c();
        String repo = repo("h2c-chunks");
        byte[] blob = randomBytes(3000);
        String location = startUpload(repo);
        send(client, request("/v2/")); // the upgrade
        HttpResponse<String> first = send(client, request(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(blob, 1000)))
                .header("Content-Type", "application/octet-stream").header("Content-Range", "0-999"));
        assertEquals(202, first.statusCode(), first.body());
        HttpResponse<String> gap = send(client, request(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(blob, 2000, 3000)))
                .header("Content-Type", "application/octet-stream").header("Content-Range", "2000-2999"));
        assertEquals(416, gap.statusCode(), gap.body());
        assertEquals("0-999", gap.headers().firstValue("Range").orElse(null));
        HttpResponse<String> last = send(client, request(location + "?digest=" + sha256(blob))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(blob, 1000, 3000)))
                .header("Content-Type", "application/octet-stream").header("Content-Range", "1000-2999"));
        assertEquals(201, last.statusCode(), last.body());
        given().head("/v2/" + repo + "/blobs/" + sha256(blob)).then().statusCode(200).header("Content-Length", "3000");
    }

    @Test
    void readsAFinalChunkOfUnknownLengthOverH2c() throws Exception {
        // HTTP/2 has no chunked encoding: a body of unknown length comes without any Content-Length.
        HttpClient client = h2c();
        String repo = repo("h2c-stream");
        byte[] blob = randomBytes(2000);
        String location = startUpload(repo);
        send(client, request("/v2/")); // the upgrade
        HttpResponse<String> put = send(client, request(location + "?digest=" + sha256(blob))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(blob)))
                .header("Content-Type", "application/octet-stream"));
        assertEquals(HttpClient.Version.HTTP_2, put.version());
        assertEquals(201, put.statusCode(), put.body());
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + sha256(blob)).then().statusCode(200).extract().asByteArray());
        // And an empty PUT still commits what the PATCHes sent.
        String other = startUpload(repo);
        byte[] patched = randomBytes(100);
        assertEquals(202, send(client, request(other).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(patched))
                .header("Content-Type", "application/octet-stream")).statusCode());
        HttpResponse<String> empty = send(client, request(other + "?digest=" + sha256(patched)).PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, empty.statusCode(), empty.body());
    }

    @Test
    void shrugsOffATlsClientHelloOnThePlainPort() throws Exception {
        // Every client tries TLS first on a plain-HTTP registry.
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", RestAssured.port);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(hello.array(), 0, hello.limit());
            out.flush();
            // Whatever the answer, the server ends the exchange rather than hang.
            socket.getInputStream().readAllBytes();
        } catch (SocketException reset) {
            // A reset is a fine answer to a protocol the port does not speak.
        }
        given().get("/v2/").then().statusCode(200).body(equalTo("{}"));
    }
}
