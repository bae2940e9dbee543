package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Proxy projects against a real upstream: Distribution ({@code docker-registry}) on loopback, behind a
 * {@link CountingProxy} that records (and, when told, fails) every request Wharf makes to it. Checks what
 * a client sees (statuses, bytes, digests, {@code Warning}, error codes) and how many upstream requests
 * each pull costs.
 */
@QuarkusTest
class ProxyProjectTest {

    private static Vertx vertx;
    private static UpstreamRegistry upstream;

    @BeforeAll
    static void startUpstream() throws Exception {
        assertTrue(Files.isExecutable(Path.of(UpstreamRegistry.BINARY)), "apt-get install docker-registry: the upstream of these tests");
        vertx = Vertx.vertx();
        upstream = UpstreamRegistry.start(null, null);
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** A new private proxy project of {@code url} with the interval (null: the default), created by the administrator. */
    private static String proxyProject(URI url, String interval, String username, String password) {
        String name = "proxy-" + Oci.suffix();
        Map<String, Object> proxy = new HashMap<>();
        proxy.put("url", url.toString());
        if (interval != null) {
            proxy.put("tagCheckInterval", interval);
        }
        if (username != null) {
            proxy.put("username", username);
            proxy.put("password", password);
        }
        Admin.given().contentType(ContentType.JSON).body(Map.of("name", name, "proxy", proxy)).post("/api/v1/projects")
                .then().statusCode(201).body("proxy.url", equalTo(url.toString()));
        return name;
    }

    private static Response manifest(String repo, String reference) {
        return Oci.given().accept(OCI_MANIFEST).get("/v2/" + repo + "/manifests/" + reference);
    }

    private static String upstreamPath(String purpose) {
        return purpose + "-" + Oci.suffix() + "/app";
    }

    @Test
    void firstPullFetchesWhatUpstreamHasThenDigestsAndFreshTagsCostNoUpstreamRequest() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("first");
            Oci.Image image = upstream.pushImage(path, "v1", 3 * 1024 * 1024 + 17);
            String repo = proxyProject(counter.url(), "1h", null, null) + "/" + path;

            Response first = manifest(repo, "v1");
            first.then().statusCode(200).contentType(OCI_MANIFEST).header("Docker-Content-Digest", image.digest())
                    .header("Warning", nullValue());
            assertArrayEquals(image.manifest(), first.asByteArray());
            assertEquals(List.of("GET /v2/" + path + "/manifests/v1"), counter.take());

            for (Oci.Descriptor blob : List.of(image.config(), image.layer())) {
                Response got = Oci.given().get("/v2/" + repo + "/blobs/" + blob.digest());
                got.then().statusCode(200).header("Docker-Content-Digest", blob.digest()).header("Content-Length", String.valueOf(blob.size()));
                assertArrayEquals(upstream.blob(path, blob.digest()), got.asByteArray());
            }
            assertEquals(List.of("GET /v2/" + path + "/blobs/" + image.config().digest(), "GET /v2/" + path + "/blobs/" + image.layer().digest()),
                    counter.take());

            // Cached: by digest, blobs, and the tag within its interval make no upstream request.
            Response byDigest = manifest(repo, image.digest());
            byDigest.then().statusCode(200).header("Docker-Content-Digest", image.digest());
            assertArrayEquals(image.manifest(), byDigest.asByteArray());
            Oci.given().head("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(200);
            for (Oci.Descriptor blob : List.of(image.config(), image.layer())) {
                assertArrayEquals(upstream.blob(path, blob.digest()), Oci.given().get("/v2/" + repo + "/blobs/" + blob.digest())
                        .then().statusCode(200).extract().asByteArray());
            }
            manifest(repo, "v1").then().statusCode(200).header("Docker-Content-Digest", image.digest());
            assertEquals(List.of(), counter.take());

            // Ordinary content of the project: listed like pushed content.
            Oci.given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", hasItem("v1"));
            // Its first fetch is announced as cached, not pushed (once, whatever the pulls since).
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(List.of(image.digest()),
                    Admin.given().queryParam("repository", repo).queryParam("type", "artifact.cached").get("/api/v1/events")
                            .then().statusCode(200).extract().jsonPath().getList("events.data.digest")));
            assertEquals(List.of(), Admin.given().queryParam("repository", repo).queryParam("type", "artifact.pushed").get("/api/v1/events")
                    .then().statusCode(200).extract().jsonPath().getList("events.data.digest"));
        }
    }

    @Test
    void skopeoPullsThroughAProxyProjectTheBytesUpstreamHas() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("skopeo");
            Oci.Image image = upstream.pushImage(path, "v1", 512 * 1024);
            String repo = proxyProject(counter.url(), "1h", null, null) + "/" + path;

            Path first = skopeoCopy(repo + ":v1");
            assertArrayEquals(image.manifest(), Files.readAllBytes(first.resolve("manifest.json")));
            for (Oci.Descriptor blob : List.of(image.config(), image.layer())) {
                assertArrayEquals(upstream.blob(path, blob.digest()), Files.readAllBytes(first.resolve(blob.digest().substring("sha256:".length()))));
            }
            List<String> fetched = counter.take().stream().filter(r -> r.startsWith("GET ")).sorted().toList();
            assertEquals(List.of("GET /v2/" + path + "/blobs/" + image.config().digest(), "GET /v2/" + path + "/blobs/" + image.layer().digest(),
                    "GET /v2/" + path + "/manifests/v1").stream().sorted().toList(), fetched, "each fetched once");

            Path second = skopeoCopy(repo + "@" + image.digest());
            assertArrayEquals(Files.readAllBytes(first.resolve("manifest.json")), Files.readAllBytes(second.resolve("manifest.json")));
            skopeoCopy(repo + ":v1");
            assertEquals(List.of(), counter.take(), "cached: no upstream request");
        } finally {
            try (var files = Files.walk(COPIES)) {
                files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(COPIES)).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static final Path COPIES = Path.of("target", "skopeo-copies");

    /** Copies the image ({@code repo:tag} or {@code repo@digest}) from this Wharf into a new directory with skopeo. */
    private static Path skopeoCopy(String image) throws Exception {
        Path out = Files.createTempDirectory(Files.createDirectories(COPIES), "copy-");
        Process p = new ProcessBuilder("skopeo", "copy", "--src-tls-verify=false", "--src-creds", Admin.USERNAME + ":" + Admin.PASSWORD,
                "docker://127.0.0.1:" + RestAssured.port + "/" + image, "dir:" + out.resolve("image"))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        return out.resolve("image");
    }

    @Test
    void aTagPastItsIntervalCostsOneHeadAndAFetchOnlyWhenItMovedAndIsServedCachedWhenUpstreamFails() throws Exception {
        CountingProxy counter = CountingProxy.start(vertx, upstream.port());
        String path = upstreamPath("recheck");
        Oci.Image v1 = upstream.pushImage(path, "latest", 1024);
        String repo = proxyProject(counter.url(), "0s", null, null) + "/" + path;

        manifest(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", v1.digest());
        assertEquals(List.of("GET /v2/" + path + "/manifests/latest"), counter.take());

        manifest(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", v1.digest()).header("Warning", nullValue());
        assertEquals(List.of("HEAD /v2/" + path + "/manifests/latest"), counter.take());

        Oci.Image v2 = upstream.pushImage(path, "latest", 1024);
        Response moved = manifest(repo, "latest");
        moved.then().statusCode(200).header("Docker-Content-Digest", v2.digest());
        assertArrayEquals(v2.manifest(), moved.asByteArray());
        assertEquals(List.of("HEAD /v2/" + path + "/manifests/latest", "GET /v2/" + path + "/manifests/" + v2.digest()), counter.take());

        counter.failWith(503);
        manifest(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", v2.digest())
                .header("Warning", containsString("503"));
        counter.failWith(429);
        manifest(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", v2.digest())
                .header("Warning", containsString("429"));
        assertEquals(2, counter.take().size());

        counter.close(); // the upstream is gone: connections are refused
        Response stale = manifest(repo, "latest");
        stale.then().statusCode(200).header("Docker-Content-Digest", v2.digest()).header("Warning", containsString("could not be reached"));
        assertArrayEquals(v2.manifest(), stale.asByteArray());
        manifest(repo, v1.digest()).then().statusCode(200).header("Warning", nullValue());
    }

    @Test
    void twentyConcurrentPullsOfAnUncachedImageFetchItsManifestAndEachBlobOnce() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("flight");
            Oci.Image image = upstream.pushImage(path, "v1", 2 * 1024 * 1024 + 5);
            byte[] config = upstream.blob(path, image.config().digest());
            byte[] layer = upstream.blob(path, image.layer().digest());
            String repo = proxyProject(counter.url(), "1h", null, null) + "/" + path;
            counter.delay(java.time.Duration.ofMillis(300)); // a slow upstream: the pulls overlap

            URI base = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v2/" + repo);
            HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(4)).build();
            int pulls = 20;
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(pulls);
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(pulls);
            try {
                List<java.util.concurrent.Future<List<byte[]>>> pulled = new java.util.ArrayList<>();
                for (int i = 0; i < pulls; i++) {
                    pulled.add(clients.submit(() -> {
                        together.await(30, java.util.concurrent.TimeUnit.SECONDS);
                        List<byte[]> bodies = new java.util.ArrayList<>();
                        HttpResponse<byte[]> m = http.send(Admin.request(URI.create(base + "/manifests/v1")).header("Accept", OCI_MANIFEST).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        assertEquals(200, m.statusCode(), new String(m.body(), java.nio.charset.StandardCharsets.UTF_8));
                        assertEquals(image.digest(), m.headers().firstValue("Docker-Content-Digest").orElse(null));
                        bodies.add(m.body());
                        for (Oci.Descriptor blob : List.of(image.config(), image.layer())) {
                            HttpResponse<byte[]> b = http.send(Admin.request(URI.create(base + "/blobs/" + blob.digest())).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            assertEquals(200, b.statusCode(), new String(b.body(), java.nio.charset.StandardCharsets.UTF_8));
                            bodies.add(b.body());
                        }
                        return bodies;
                    }));
                }
                for (var pull : pulled) {
                    List<byte[]> bodies = pull.get(120, java.util.concurrent.TimeUnit.SECONDS);
                    assertArrayEquals(image.manifest(), bodies.get(0));
                    assertArrayEquals(config, bodies.get(1));
                    assertArrayEquals(layer, bodies.get(2));
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(List.of("GET /v2/" + path + "/blobs/" + image.config().digest(), "GET /v2/" + path + "/blobs/" + image.layer().digest(),
                    "GET /v2/" + path + "/manifests/v1").stream().sorted().toList(), counter.take().stream().sorted().toList(),
                    "one upstream request for the manifest and one per blob, whatever the number of pulls");
        }
    }

    @Test
    void aFetchAnotherInstanceHasUnderWayIsWaitedForNotRunBesideIt() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port()); PgSession other = PgSession.open()) {
            String path = upstreamPath("other");
            Oci.Image image = upstream.pushImage(path, "v1", 1024);
            String repo = proxyProject(counter.url(), "1h", null, null) + "/" + path;
            // The other instance's flight: the lock its leader holds while it fetches.
            String key = "manifest " + repo + " v1";
            other.execute("select pg_advisory_lock(" + io.wharf.registry.proxy.SingleFlight.LOCK_SPACE + ", hashtext('" + key + "'))");

            java.util.concurrent.CompletableFuture<Response> pull = java.util.concurrent.CompletableFuture.supplyAsync(() -> manifest(repo, "v1"));
            Pool pool = Arc.container().instance(Pool.class).get();
            String waiting = "select count(*) from pg_locks where locktype = 'advisory' and not granted and objsubid = 2 and classid::bigint = "
                    + io.wharf.registry.proxy.SingleFlight.LOCK_SPACE;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> pool.query(waiting).execute().await().indefinitely().iterator().next().getLong(0) == 1);
            assertFalse(pull.isDone());
            assertEquals(List.of(), counter.take(), "nothing asked of the upstream while the other instance fetches");

            other.execute("select pg_advisory_unlock(" + io.wharf.registry.proxy.SingleFlight.LOCK_SPACE + ", hashtext('" + key + "'))");
            Response served = pull.get(60, java.util.concurrent.TimeUnit.SECONDS);
            served.then().statusCode(200).header("Docker-Content-Digest", image.digest());
            assertArrayEquals(image.manifest(), served.asByteArray());
            assertEquals(List.of("GET /v2/" + path + "/manifests/v1"), counter.take());
        }
    }

    /** A new proxy project of {@code url} marked as the Docker Hub mirror. */
    private static String mirrorProject(URI url, boolean isPublic) {
        String name = "hub-" + Oci.suffix();
        Admin.given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "isPublic", isPublic, "proxy", Map.of("url", url.toString(), "dockerHubMirror", true)))
                .post("/api/v1/projects").then().statusCode(201).body("proxy.dockerHubMirror", equalTo(true));
        return name;
    }

    /** No project is the Docker Hub mirror any more, on this instance at once (other tests read names that are no project). */
    private static void noMirror() {
        Pool pool = Arc.container().instance(Pool.class).get();
        pool.query("update proxy_project set docker_hub_mirror = false where docker_hub_mirror").execute().await().indefinitely();
        Arc.container().instance(io.wharf.registry.proxy.DockerHubMirror.class).get().changed();
    }

    @Test
    void theDockerHubMirrorServesNamesThatAreNoWharfContentAsItsVisibilitySays() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String official = "library/mirrored-" + Oci.suffix();
            String namespaced = "ns-" + Oci.suffix() + "/tool";
            Oci.Image image = upstream.pushImage(official, "v1", 4096);
            Oci.Image tool = upstream.pushImage(namespaced, "v1", 2048);
            String own = "library/own-" + Oci.suffix();
            Oci.Image wharfs = Oci.pushImage(own, "v1");
            String plainMissing = Accounts.project("plain", false) + "/absent";
            String hub;
            try {
                hub = mirrorProject(counter.url(), false);
                Admin.given().contentType(ContentType.JSON)
                        .body(Map.of("name", "hub-" + Oci.suffix(), "proxy", Map.of("url", counter.url().toString(), "dockerHubMirror", true)))
                        .post("/api/v1/projects").then().statusCode(409).body("detail", containsString(hub));
                Admin.given().get("/api/v1/projects/" + hub).then().statusCode(200).body("proxy.dockerHubMirror", equalTo(true));

                // A private mirror: anonymous callers are challenged, as by any private project, and the upstream is not asked.
                assertError(Oci.anonymous().accept(OCI_MANIFEST).get("/v2/" + official.substring("library/".length()) + "/manifests/v1"),
                        401, "UNAUTHORIZED").header("WWW-Authenticate", containsString("repository:" + official + ":pull"));
                String anonymousToken = Oci.anonymous().queryParam("service", "wharf-registry").queryParam("scope", "repository:" + official + ":pull")
                        .get("/token").then().statusCode(200).extract().path("token");
                Oci.anonymous().header("Authorization", "Bearer " + anonymousToken).accept(OCI_MANIFEST).get("/v2/" + official + "/manifests/v1")
                        .then().statusCode(401);
                assertEquals(List.of(), counter.take());

                // Names that are no Wharf content come from the mirror: a library repository Wharf lacks, a namespace that is no project.
                Response pulled = manifest(official, "v1");
                pulled.then().statusCode(200).header("Docker-Content-Digest", image.digest());
                assertArrayEquals(image.manifest(), pulled.asByteArray());
                assertArrayEquals(upstream.blob(official, image.layer().digest()),
                        Oci.given().get("/v2/" + official + "/blobs/" + image.layer().digest()).then().statusCode(200).extract().asByteArray());
                manifest(namespaced, "v1").then().statusCode(200).header("Docker-Content-Digest", tool.digest());
                assertEquals(List.of("GET /v2/" + official + "/manifests/v1", "GET /v2/" + official + "/blobs/" + image.layer().digest(),
                        "GET /v2/" + namespaced + "/manifests/v1"), counter.take());
                // Stored as the mirror project's content.
                Oci.given().get("/v2/" + hub + "/" + official + "/tags/list").then().statusCode(200).body("tags", hasItem("v1"));

                // Wharf's own content is served as always; a project's missing repository is missing.
                manifest(own, "v1").then().statusCode(200).header("Docker-Content-Digest", wharfs.digest());
                assertError(manifest(plainMissing, "v1"), 404, "MANIFEST_UNKNOWN");
                assertEquals(List.of(), counter.take());

                // Made public: anonymous pulls through the mirror work, with or without a token.
                Admin.given().contentType(ContentType.JSON).body(Map.of("isPublic", true)).put("/api/v1/projects/" + hub).then().statusCode(200);
                Oci.anonymous().accept(OCI_MANIFEST).get("/v2/" + official + "/manifests/v1").then().statusCode(200)
                        .header("Docker-Content-Digest", image.digest());
                String token = Oci.anonymous().queryParam("service", "wharf-registry").queryParam("scope", "repository:" + official + ":pull")
                        .get("/token").then().statusCode(200).extract().path("token");
                Oci.anonymous().header("Authorization", "Bearer " + token).accept(OCI_MANIFEST).get("/v2/" + official + "/manifests/v1")
                        .then().statusCode(200).header("Docker-Content-Digest", image.digest());
                // Pushes are not mirrored: an anonymous caller may not push a library name.
                assertError(Oci.anonymous().post("/v2/" + official + "/blobs/uploads/"), 401, "UNAUTHORIZED");
                assertEquals(List.of(), counter.take(), "cached");
            } finally {
                noMirror();
            }
            assertError(manifest(official, "v1"), 404, "MANIFEST_UNKNOWN");
        }
    }

    @Test
    void aDockerDaemonWhoseRegistryMirrorIsWharfPullsDockerHubImagesThroughIt() throws Exception {
        assumeTrue(PrivateDockerd.available(), "needs root and dockerd");
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String name = "daemon-" + Oci.suffix();
            Oci.Image image = pushRunnableImage(upstream, "library/" + name, "v1");
            try {
                mirrorProject(counter.url(), true);
                try (PrivateDockerd dockerd = PrivateDockerd.start("{\"registry-mirrors\": [\"http://127.0.0.1:" + RestAssured.port + "\"]}")) {
                    PrivateDockerd.Result pull = dockerd.docker("pull", name + ":v1");
                    assertEquals(0, pull.exit(), pull.output() + "\n" + dockerd.log());
                    assertTrue(pull.output().contains("Digest: " + image.digest()), pull.output());
                    PrivateDockerd.Result id = dockerd.docker("image", "inspect", "--format", "{{.Id}}", name + ":v1");
                    assertEquals(image.config().digest(), id.output().trim());
                }
                List<String> fetched = counter.take().stream().filter(r -> r.startsWith("GET ")).sorted().toList();
                assertEquals(List.of("GET /v2/library/" + name + "/blobs/" + image.config().digest(),
                        "GET /v2/library/" + name + "/blobs/" + image.layer().digest(),
                        "GET /v2/library/" + name + "/manifests/v1").stream().sorted().toList(), fetched, "each fetched once");
            } finally {
                noMirror();
            }
        }
    }

    /** An image a Docker daemon can unpack (a gzip tar layer with one file, a config naming its diff id), pushed as Docker schema 2. */
    private static Oci.Image pushRunnableImage(UpstreamRegistry registry, String repo, String tag) throws Exception {
        Path work = Files.createTempDirectory("layer-");
        try {
            Files.writeString(Files.createDirectories(work.resolve("root")).resolve("hello.txt"), "hello " + Oci.suffix() + "\n");
            Process tar = new ProcessBuilder("tar", "-C", work.resolve("root").toString(), "-cf", work.resolve("layer.tar").toString(), "hello.txt")
                    .redirectErrorStream(true).start();
            assertEquals(0, tar.waitFor());
            byte[] plain = Files.readAllBytes(work.resolve("layer.tar"));
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(plain);
            }
            Oci.Descriptor layer = registry.pushBlob(repo, Oci.DOCKER_LAYER, gz.toByteArray());
            Oci.Descriptor config = registry.pushBlob(repo, Oci.DOCKER_CONFIG, Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\","
                    + "\"config\":{\"Cmd\":[\"/hello.txt\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Oci.sha256(plain) + "\"]}}"));
            byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.DOCKER_MANIFEST, config, layer));
            String digest = registry.pushManifest(repo, tag, Oci.DOCKER_MANIFEST, manifest);
            return new Oci.Image(config, layer, manifest, new Oci.Descriptor(Oci.DOCKER_MANIFEST, digest, manifest.length));
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void anUpstreamFailingAgainAndAgainIsLeftAloneForAWhileCachedTagsServedAndMissesFailingFast() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("breaker");
            Oci.Image image = upstream.pushImage(path, "latest", 1024);
            String project = proxyProject(counter.url(), "0s", null, null);
            String repo = project + "/" + path;
            manifest(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", image.digest());
            counter.take();

            counter.failWith(503);
            for (int i = 0; i < 5; i++) { // wharf.proxy.breaker.failures
                manifest(repo, "latest").then().statusCode(200).header("Warning", containsString("503"));
            }
            assertEquals(5, counter.take().size());
            Admin.given().get("/api/v1/projects/" + project).then().statusCode(200).body("proxy.circuit", equalTo("open"));

            // Open: the upstream is not asked; the cached tag is served, a miss fails at once naming the circuit's state.
            manifest(repo, "latest").then().statusCode(200).header("Docker-Content-Digest", image.digest())
                    .header("Warning", containsString("circuit is open"));
            assertError(manifest(repo, "absent"), 503, "UNAVAILABLE").body("errors[0].message", containsString("circuit is open"))
                    .body("errors[0].message", containsString(counter.url().getPort() + ""));
            assertError(Oci.given().get("/v2/" + repo + "/blobs/" + Oci.unknownDigest()), 503, "UNAVAILABLE")
                    .body("errors[0].message", containsString("circuit is open"));
            assertEquals(List.of(), counter.take(), "an open circuit keeps requests from the upstream");

            // Back: once the circuit's rest is over (wharf.proxy.breaker.open-for) one request tries it, and it closes.
            counter.failWith(0);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(250))
                    .until(() -> manifest(repo, "latest").then().statusCode(200).extract().header("Warning") == null);
            Admin.given().get("/api/v1/projects/" + project).then().statusCode(200).body("proxy.circuit", equalTo("closed"));
            assertEquals(List.of("HEAD /v2/" + path + "/manifests/latest"), counter.take());
        }
    }

    @Test
    void noMoreRequestsGoToOneUpstreamAtOnceThanItsLimit() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("limit");
            int images = 10;
            List<Oci.Image> pushed = new java.util.ArrayList<>();
            for (int i = 0; i < images; i++) {
                pushed.add(upstream.pushImage(path, "v" + i, 64 * 1024));
            }
            String repo = proxyProject(counter.url(), "1h", null, null) + "/" + path;
            counter.delay(java.time.Duration.ofMillis(300));
            counter.mostInFlight();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(images);
            try {
                List<java.util.concurrent.Future<Response>> pulls = new java.util.ArrayList<>();
                for (int i = 0; i < images; i++) {
                    String tag = "v" + i;
                    pulls.add(clients.submit(() -> manifest(repo, tag)));
                }
                for (int i = 0; i < images; i++) {
                    Response r = pulls.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS);
                    r.then().statusCode(200).header("Docker-Content-Digest", pushed.get(i).digest());
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(images, counter.take().size());
            int most = counter.mostInFlight();
            assertTrue(most <= 4 && most >= 2, "at most wharf.proxy.upstream-concurrency (4) at once, and some at once: " + most);
        }
    }

    @Test
    void theUpstreamsRateLimitIsShownOnTheProject() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("ratelimit");
            upstream.pushImage(path, "v1", 256);
            String project = proxyProject(counter.url(), null, null, null);
            Admin.given().get("/api/v1/projects/" + project).then().statusCode(200).body("proxy.rateLimit", nullValue())
                    .body("proxy.circuit", equalTo("closed"));
            counter.rateLimit("100;w=21600", "76;w=21600");
            manifest(project + "/" + path, "v1").then().statusCode(200);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    Admin.given().get("/api/v1/projects/" + project).then().statusCode(200)
                            .body("proxy.rateLimit.limit", equalTo("100;w=21600"))
                            .body("proxy.rateLimit.remaining", equalTo("76;w=21600"))
                            .body("proxy.rateLimit.seenAt", not(org.hamcrest.Matchers.emptyOrNullString())));
        }
    }

    @Test
    void aNewProxyProjectKeepsWhatWasPulledWithinSevenDays() {
        String project = proxyProject(URI.create("http://127.0.0.1:5000"), null, null, null);
        Admin.given().get("/api/v1/projects/" + project + "/retention").then().statusCode(200)
                .body("rules.size()", equalTo(1)).body("rules[0].kind", equalTo("pulledWithinDays")).body("rules[0].count", equalTo(7))
                .body("rules[0].repositories.pattern", equalTo("**")).body("rules[0].tags.pattern", equalTo("**"))
                .body("schedule", equalTo("0 4 * * *"));
        Admin.given().get("/api/v1/projects/" + Accounts.project("plain", false) + "/retention").then().statusCode(200)
                .body("rules.size()", equalTo(0));
    }

    @Test
    void upstreamsOnPrivateNetworksAreRefusedUnlessAllowed() {
        // The tests allow 127.0.0.1/32 (wharf.proxy.outbound.allowed-networks); everything else private is refused.
        for (String url : List.of("http://10.1.2.3:5000", "http://169.254.169.254", "http://192.168.0.10", "http://[::1]:5000",
                "http://127.0.0.2:5000", "http://[::ffff:10.0.0.1]", "http://0.0.0.0:5000")) {
            String name = "proxy-" + Oci.suffix();
            Admin.given().contentType(ContentType.JSON).body(Map.of("name", name, "proxy", Map.of("url", url))).post("/api/v1/projects")
                    .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("private or reserved"));
            Admin.given().get("/api/v1/projects/" + name).then().statusCode(404);
        }
        Admin.given().contentType(ContentType.JSON).body(Map.of("name", "proxy-" + Oci.suffix(), "proxy", Map.of("url", "http://127.0.0.1:5000")))
                .post("/api/v1/projects").then().statusCode(201);
    }

    @Test
    void aTrueMissFailsNamingTheUpstreamsAnswer() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("miss");
            Oci.Image image = upstream.pushImage(path, "v1", 256);
            String repo = proxyProject(counter.url(), null, null, null) + "/" + path;

            assertError(manifest(repo, "absent"), 404, "MANIFEST_UNKNOWN").body("errors[0].message", containsString("404"));
            String unknown = Oci.unknownDigest();
            assertError(Oci.given().get("/v2/" + repo + "/blobs/" + unknown), 404, "BLOB_UNKNOWN")
                    .body("errors[0].message", containsString("404"));

            // A blob another project holds here is not handed out through the proxy unless the upstream has it too.
            Oci.Image elsewhere = Oci.pushImage(Accounts.project("elsewhere", false) + "/app", "v1");
            assertError(Oci.given().get("/v2/" + repo + "/blobs/" + elsewhere.layer().digest()), 404, "BLOB_UNKNOWN");
            assertEquals(List.of("GET /v2/" + path + "/manifests/absent", "GET /v2/" + path + "/blobs/" + unknown,
                    "HEAD /v2/" + path + "/blobs/" + elsewhere.layer().digest()), counter.take());

            counter.failWith(503);
            assertError(manifest(repo, "v1"), 503, "UNAVAILABLE").body("errors[0].message", containsString("503"));
            assertError(Oci.given().get("/v2/" + repo + "/blobs/" + image.layer().digest()), 503, "UNAVAILABLE")
                    .body("errors[0].message", containsString("503"));
            counter.failWith(429);
            assertError(manifest(repo, image.digest()), 429, "TOOMANYREQUESTS").body("errors[0].message", containsString("429"));

            counter.failWith(0); // upstream back: nothing was stored meanwhile, the pull now works
            manifest(repo, "v1").then().statusCode(200).header("Docker-Content-Digest", image.digest());
        }
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestIsCutOffAndNotStored() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("corrupt");
            Oci.Image image = upstream.pushImage(path, "v1", 1024 * 1024);
            String repo = proxyProject(counter.url(), null, null, null) + "/" + path;
            URI layer = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v2/" + repo + "/blobs/" + image.layer().digest());
            HttpClient http = HttpClient.newHttpClient();

            counter.corruptBlobs(true);
            assertThrows(IOException.class, () -> http.send(Admin.request(layer).build(), HttpResponse.BodyHandlers.ofByteArray()),
                    "the answer is cut off: it never looks complete");
            assertEquals(List.of("GET /v2/" + path + "/blobs/" + image.layer().digest()), counter.take());

            counter.corruptBlobs(false);
            HttpResponse<byte[]> good = http.send(Admin.request(layer).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, good.statusCode());
            assertArrayEquals(upstream.blob(path, image.layer().digest()), good.body());
            assertEquals(List.of("GET /v2/" + path + "/blobs/" + image.layer().digest()), counter.take(), "nothing was stored the first time");
            assertArrayEquals(good.body(), http.send(Admin.request(layer).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
            assertEquals(List.of(), counter.take());
        }
    }

    @Test
    void aTokenAuthenticatedUpstreamGetsATokenOnceForManifestAndBlobs() throws Exception {
        // The upstream is a Wharf (this one): it challenges with Bearer and issues tokens at its realm.
        String source = Accounts.project("source", false) + "/app";
        Oci.Image image = Oci.pushImage(source, "v1");
        try (CountingProxy counter = CountingProxy.start(vertx, RestAssured.port)) {
            String repo = proxyProject(counter.url(), null, Admin.USERNAME, Admin.PASSWORD) + "/" + source;

            Response pulled = manifest(repo, "v1");
            pulled.then().statusCode(200).header("Docker-Content-Digest", image.digest());
            assertArrayEquals(image.manifest(), pulled.asByteArray());
            assertArrayEquals(Oci.given().get("/v2/" + source + "/blobs/" + image.layer().digest()).asByteArray(),
                    Oci.given().get("/v2/" + repo + "/blobs/" + image.layer().digest()).then().statusCode(200).extract().asByteArray());
            List<String> all = counter.take();
            assertEquals(1, all.stream().filter(r -> r.endsWith("/token")).count(), "one token, from the upstream's realm: " + all);
            List<String> seen = all.stream().filter(r -> !r.endsWith("/token")).toList();
            // The blob store holds the layer already (it is this Wharf's): the upstream is asked whether it has it
            // (a HEAD, so no other project's blob is linked unasked), not for its bytes.
            assertEquals(List.of("GET /v2/" + source + "/manifests/v1", "GET /v2/" + source + "/manifests/v1",
                    "HEAD /v2/" + source + "/blobs/" + image.layer().digest()), seen, "challenged once, then the token is kept");

            // The token is kept for its lifetime: pulling another tag of the repository asks for none.
            Oci.Image second = Oci.pushImage(source, "v2");
            manifest(repo, "v2").then().statusCode(200).header("Docker-Content-Digest", second.digest());
            assertEquals(List.of("GET /v2/" + source + "/manifests/v2"), counter.take(), "no token request");

            String anonymous = proxyProject(counter.url(), null, null, null) + "/" + source;
            assertError(manifest(anonymous, "v1"), 503, "UNAVAILABLE").body("errors[0].message", containsString("401"));
        }
    }

    @Test
    void pushesIntoAProxyProjectAreDenied() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String repo = proxyProject(counter.url(), null, null, null) + "/" + upstreamPath("push");
            byte[] layer = Oci.randomBytes(32);

            assertError(Oci.given().queryParam("digest", Oci.sha256(layer)).contentType("application/octet-stream").body(layer)
                    .post("/v2/" + repo + "/blobs/uploads/"), 403, "DENIED").body("errors[0].message", containsString("proxy"));
            assertError(Oci.given().post("/v2/" + repo + "/blobs/uploads/"), 403, "DENIED");
            Oci.Descriptor config = new Oci.Descriptor(Oci.OCI_CONFIG, Oci.sha256(layer), layer.length);
            assertError(Oci.putManifest(repo, "v1", OCI_MANIFEST, Oci.bytes(Oci.imageManifest(OCI_MANIFEST, config, config))),
                    403, "DENIED").body("errors[0].message", containsString("proxy"));
            assertEquals(List.of(), counter.take());
        }
    }

    @Test
    void aPrivateProxyProjectRefusesWhomAnyPrivateProjectRefuses() throws Exception {
        try (CountingProxy counter = CountingProxy.start(vertx, upstream.port())) {
            String path = upstreamPath("private");
            Oci.Image image = upstream.pushImage(path, "v1", 256);
            String repo = proxyProject(counter.url(), null, null, null) + "/" + path;
            String ordinary = Accounts.project("ordinary", false) + "/app";
            String stranger = Accounts.user("stranger");

            for (String reference : List.of("v1", image.digest())) {
                assertError(Oci.anonymous().get("/v2/" + ordinary + "/manifests/" + reference), 401, "UNAUTHORIZED");
                assertError(Oci.anonymous().get("/v2/" + repo + "/manifests/" + reference), 401, "UNAUTHORIZED");
                int strangerStatus = Accounts.as(stranger).get("/v2/" + ordinary + "/manifests/" + reference).statusCode();
                Accounts.as(stranger).get("/v2/" + repo + "/manifests/" + reference).then().statusCode(strangerStatus);
            }
            assertError(Oci.anonymous().get("/v2/" + repo + "/blobs/" + image.layer().digest()), 401, "UNAUTHORIZED");
            assertEquals(List.of(), counter.take(), "refused callers cause no upstream request");
        }
    }

    @Test
    void onlySystemAdminsCreateProxyProjectsWithValidSettingsAndCredentialsNeverComeBack() throws Exception {
        String user = Accounts.user("proxymaker");
        String refused = "proxy-" + Oci.suffix();
        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("name", refused, "proxy", Map.of("url", "https://registry-1.docker.io")))
                .post("/api/v1/projects").then().statusCode(403).contentType("application/problem+json").body("code", equalTo("DENIED"));
        Admin.given().get("/api/v1/projects/" + refused).then().statusCode(404);

        List<Map<String, Object>> bad = List.of(
                Map.of("url", "ftp://mirror.example/registry"),
                Map.of("url", "registry-1.docker.io"),
                Map.of("url", "/v2/"),
                Map.of("url", "https://user:pw@registry.example"),
                Map.of("url", "https://registry.example/?x=1"),
                Map.of("url", "https://" + "a".repeat(2048) + ".example"),
                Map.of("url", ""),
                Map.of("url", "https://registry.example", "tagCheckInterval", "5 minutes"),
                Map.of("url", "https://registry.example", "tagCheckInterval", "25h"),
                Map.of("url", "https://registry.example", "tagCheckInterval", "-1m"),
                Map.of("url", "https://registry.example", "username", "robot"),
                Map.of("url", "https://registry.example", "username", "u".repeat(256), "password", "p"),
                Map.of("url", "https://registry.example", "username", "u", "password", "p".repeat(1025)));
        for (Map<String, Object> proxy : bad) {
            String name = "proxy-" + Oci.suffix();
            Admin.given().contentType(ContentType.JSON).body(Map.of("name", name, "proxy", proxy)).post("/api/v1/projects")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", not(org.hamcrest.Matchers.emptyOrNullString()));
            Admin.given().get("/api/v1/projects/" + name).then().statusCode(404);
        }

        String password = "upstream-secret-" + Oci.suffix();
        String name = "proxy-" + Oci.suffix();
        String created = Admin.given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "proxy", Map.of("url", "https://registry.example/", "username", "robot", "password", password)))
                .post("/api/v1/projects").then().statusCode(201)
                .body("proxy.url", equalTo("https://registry.example")).body("proxy.tagCheckInterval", equalTo("5m"))
                .body("proxy.credentialsSet", equalTo(true)).extract().asString();
        assertFalse(created.contains(password));
        assertFalse(created.contains("robot"), "not even the username comes back");
        String shown = Admin.given().get("/api/v1/projects/" + name).then().statusCode(200)
                .body("proxy.credentialsSet", equalTo(true)).extract().asString();
        assertFalse(shown.contains(password));
        String listed = Admin.given().get("/api/v1/projects").then().statusCode(200).extract().asString();
        assertTrue(listed.contains(name));
        assertFalse(listed.contains(password));

        Pool pool = Arc.container().instance(Pool.class).get();
        String stored = pool.preparedQuery("select upstream_password from proxy_project pp join project p on p.id = pp.project_id where p.name = $1")
                .execute(Tuple.of(name)).await().indefinitely().iterator().next().getString("upstream_password");
        assertTrue(stored.startsWith("sealed:v1:"), "sealed at rest");
        assertFalse(stored.contains(password));

        String plain = Accounts.project("plain", false);
        Admin.given().get("/api/v1/projects/" + plain).then().statusCode(200).body("proxy", nullValue());
        Admin.given().contentType(ContentType.JSON)
                .body(Map.of("name", "proxy-" + Oci.suffix(), "proxy", Map.of("url", "http://127.0.0.1:5000", "tagCheckInterval", "90s")))
                .post("/api/v1/projects").then().statusCode(201)
                .body("proxy.tagCheckInterval", equalTo("90s")).body("proxy.credentialsSet", equalTo(false));
    }

    @Test
    void anUpstreamThatAsksForCredentialsGetsTheProjectsAndOnlyThem() throws Exception {
        String password = "upstream-pw-" + Oci.suffix();
        String basic = java.util.Base64.getEncoder().encodeToString(("puller:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // Everything the registry logs meanwhile, at every level.
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try (UpstreamRegistry guarded = UpstreamRegistry.start("puller", password);
             CountingProxy counter = CountingProxy.start(vertx, guarded.port())) {
            String path = upstreamPath("guarded");
            Oci.Image image = guarded.pushImage(path, "v1", 4096);

            String withCredentials = proxyProject(counter.url(), null, "puller", password) + "/" + path;
            Response pulled = manifest(withCredentials, "v1");
            pulled.then().statusCode(200).header("Docker-Content-Digest", image.digest());
            assertArrayEquals(image.manifest(), pulled.asByteArray());
            assertArrayEquals(guarded.blob(path, image.layer().digest()),
                    Oci.given().get("/v2/" + withCredentials + "/blobs/" + image.layer().digest()).then().statusCode(200).extract().asByteArray());

            String without = proxyProject(counter.url(), null, null, null) + "/" + path;
            assertError(manifest(without, "v1"), 503, "UNAVAILABLE").body("errors[0].message", containsString("credentials"));
            assertNull(Oci.given().get("/v2/" + without + "/tags/list").then().extract().path("tags"));

            // The upstream fails: what the registry says of it, to the client and in its log, holds no credentials.
            counter.corruptBlobs(true); // the config is small: wrong bytes are found before any is sent, and answered
            String corrupt = assertError(Oci.given().get("/v2/" + withCredentials + "/blobs/" + image.config().digest()), 503, "UNAVAILABLE")
                    .extract().asString();
            counter.failWith(500);
            String failed = assertError(manifest(withCredentials, "absent"), 503, "UNAVAILABLE").extract().asString();
            String project = withCredentials.substring(0, withCredentials.indexOf('/'));
            String shown = Admin.given().get("/api/v1/projects/" + project).then().statusCode(200).extract().asString();
            for (String answer : List.of(corrupt, failed, shown, pulled.asString())) {
                assertFalse(answer.contains(password) || answer.contains(basic), answer);
            }
        } finally {
            root.removeHandler(capture);
        }
        assertFalse(logged.isEmpty(), "the failures above were logged");
        for (String line : logged) {
            assertFalse(line.contains(password) || line.contains(basic), "credentials in the log: " + line);
        }
    }
}
