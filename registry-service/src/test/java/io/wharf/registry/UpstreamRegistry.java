package io.wharf.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.registry.auth.Secrets;

/**
 * A real upstream registry for proxy tests: Debian's {@code docker-registry} (CNCF Distribution) on a
 * free loopback port with its own data directory, optionally behind htpasswd Basic authentication, and
 * a plain-HTTP client that pushes images into it with the OCI upload protocol.
 */
final class UpstreamRegistry implements AutoCloseable {

    static final String BINARY = "/usr/bin/docker-registry";

    private final Path dir;
    private final Process process;
    private final int port;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private UpstreamRegistry(Path dir, Process process, int port, String authorization) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.authorization = authorization;
    }

    /** Starts a registry; with a username and password it asks for them (htpasswd, Basic). */
    static UpstreamRegistry start(String username, String password) throws IOException {
        Path dir = Files.createTempDirectory("wharf-upstream-");
        int port = freePort();
        String auth = "";
        String authorization = null;
        if (username != null) {
            Files.writeString(dir.resolve("htpasswd"), username + ":" + Secrets.hashPassword(password, 5) + "\n");
            auth = "auth:\n  htpasswd:\n    realm: upstream\n    path: " + dir.resolve("htpasswd") + "\n";
            authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("config.yml"), "version: 0.1\n"
                + "log: {level: warn, accesslog: {disabled: true}}\n"
                + "storage:\n  filesystem: {rootdirectory: " + dir.resolve("data") + "}\n  delete: {enabled: true}\n"
                + "http: {addr: 127.0.0.1:" + port + "}\n" + auth);
        Process process = new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        UpstreamRegistry registry = new UpstreamRegistry(dir, process, port, authorization);
        await().atMost(Duration.ofSeconds(30)).until(registry::answers);
        return registry;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new IllegalStateException("docker-registry exited: see " + dir.resolve("registry.log"));
        }
        try {
            int status = http.send(HttpRequest.newBuilder(url().resolve("/v2/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 || status == 401;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Pushes a blob (POST, then PUT with the digest and the bytes); returns its descriptor. */
    Oci.Descriptor pushBlob(String repo, String mediaType, byte[] content) throws IOException, InterruptedException {
        HttpResponse<Void> started = http.send(request(url().resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(202, started.statusCode(), "upstream upload start");
        String location = started.headers().firstValue("Location").orElseThrow();
        String digest = Oci.sha256(content);
        URI put = url().resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        HttpResponse<Void> done = http.send(request(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(201, done.statusCode(), "upstream upload");
        return new Oci.Descriptor(mediaType, digest, content.length);
    }

    /** Pushes a manifest under a tag; returns its digest. */
    String pushManifest(String repo, String tag, String mediaType, byte[] manifest) throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(request(url().resolve("/v2/" + repo + "/manifests/" + tag)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(201, r.statusCode(), "upstream manifest push");
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    /** An image (config, one layer of {@code layerSize} random bytes, OCI manifest) pushed under the tag. */
    Oci.Image pushImage(String repo, String tag, int layerSize) throws IOException, InterruptedException {
        Oci.Descriptor config = pushBlob(repo, Oci.OCI_CONFIG,
                Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + Oci.suffix() + "\"}"));
        Oci.Descriptor layer = pushBlob(repo, Oci.OCI_LAYER, Oci.randomBytes(layerSize));
        byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, config, layer));
        String digest = pushManifest(repo, tag, Oci.OCI_MANIFEST, manifest);
        assertEquals(Oci.sha256(manifest), digest);
        return new Oci.Image(config, layer, manifest, new Oci.Descriptor(Oci.OCI_MANIFEST, digest, manifest.length));
    }

    /** The bytes of a blob as the upstream serves them. */
    byte[] blob(String repo, String digest) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(url().resolve("/v2/" + repo + "/blobs/" + digest)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
