package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushManifest;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.wharf.registry.Oci.Descriptor;

/**
 * Manifest and tag DELETEs sent at once by several clients: each one is answered (202, or 404
 * MANIFEST_UNKNOWN for the loser of a race on the same reference, never a 500 and never no answer
 * within the client's timeout), what was deleted is gone, and each deletion is recorded once.
 */
@QuarkusTest
class ConcurrentDeleteTest implements UsageChecked {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    private record Answer(int status, String body) {
        String code() {
            return status >= 400 ? new JsonPath(body).getString("errors[0].code") : null;
        }
    }

    private static HttpRequest.Builder request(String path) {
        String basic = Base64.getEncoder().encodeToString((Admin.USERNAME + ":" + Admin.PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .timeout(TIMEOUT).header("Authorization", "Basic " + basic);
    }

    /** A DELETE; a request that gets no answer within the timeout fails the test (HttpTimeoutException). */
    private static Answer delete(String repo, String reference) throws Exception {
        HttpResponse<String> r = HTTP.send(request("/v2/" + repo + "/manifests/" + reference).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    private static Answer put(String repo, String reference, byte[] manifest) throws Exception {
        HttpResponse<String> r = HTTP.send(request("/v2/" + repo + "/manifests/" + reference)
                .header("Content-Type", OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** Runs all tasks on the client threads at once; their answers in the order given. */
    private static <T> List<T> all(List<Callable<T>> tasks) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(CLIENTS.submit(task));
        }
        List<T> answers = new ArrayList<>();
        for (Future<T> f : futures) {
            answers.add(f.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** An image manifest (pushed under no reference yet) over a fresh config and the shared layer. */
    private static byte[] manifestOver(String repo, Descriptor layer) {
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + Oci.suffix() + "\"}"));
        return bytes(imageManifest(OCI_MANIFEST, config, layer));
    }

    private static List<String> eventDigests(String repo, String type) {
        return given().queryParam("repository", repo).queryParam("type", type).queryParam("limit", 500)
                .get("/api/v1/events").then().statusCode(200).extract().jsonPath().getList("events.data.digest");
    }

    private static List<String> tagsOf(String repo) {
        List<String> tags = given().get("/v2/" + repo + "/tags/list").then().statusCode(200).extract().jsonPath().getList("tags");
        return tags == null ? List.of() : tags;
    }

    /**
     * Sends two DELETEs of each reference, all at once from the client threads: of each two, one is
     * answered 202 and the other 404 MANIFEST_UNKNOWN.
     */
    private static void deleteEachTwiceAtOnce(String repo, List<String> references) throws Exception {
        List<Callable<Answer>> deletes = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (String reference : references) {
                deletes.add(() -> delete(repo, reference));
            }
        }
        List<Answer> answers = all(deletes);
        for (int i = 0; i < references.size(); i++) {
            List<Answer> pair = List.of(answers.get(i), answers.get(i + references.size()));
            List<Integer> statuses = new ArrayList<>(pair.stream().map(Answer::status).toList());
            Collections.sort(statuses);
            assertEquals(List.of(202, 404), statuses, references.get(i) + ": " + pair);
            pair.stream().filter(a -> a.status() == 404).forEach(a -> assertEquals("MANIFEST_UNKNOWN", a.code(), a.body()));
        }
    }

    @Test
    void manifestsDeletedByDigestAtOnceAreEachDeletedOnceAndTheLoserOfARaceGets404() throws Exception {
        String repo = repo("cdel");
        Descriptor layer = pushBlob(repo, randomBytes(64));
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] manifest = manifestOver(repo, layer);
            digests.add(pushManifest(repo, "v" + i, OCI_MANIFEST, manifest).digest());
            pushManifest(repo, "w" + i, OCI_MANIFEST, manifest);
        }
        // Every digest twice: the two requests race each other and 28 others.
        deleteEachTwiceAtOnce(repo, digests);
        for (String digest : digests) {
            given().get("/v2/" + repo + "/manifests/" + digest).then().statusCode(404);
        }
        assertEquals(List.of(), tagsOf(repo));
        List<String> deleted = new ArrayList<>(eventDigests(repo, "artifact.deleted"));
        Collections.sort(deleted);
        List<String> expected = new ArrayList<>(digests);
        Collections.sort(expected);
        assertEquals(expected, deleted, "one artifact.deleted per manifest");
        assertEquals(60, eventDigests(repo, "tag.deleted").size(), "one tag.deleted per tag");
    }

    @Test
    void tagsDeletedAtOnceAreEachDeletedOnceAndTheManifestStays() throws Exception {
        String repo = repo("cdeltag");
        Descriptor layer = pushBlob(repo, randomBytes(64));
        byte[] manifest = manifestOver(repo, layer);
        String digest = sha256(manifest);
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tags.add("t" + i);
            pushManifest(repo, "t" + i, OCI_MANIFEST, manifest);
        }
        deleteEachTwiceAtOnce(repo, tags);
        assertEquals(List.of(), tagsOf(repo));
        given().get("/v2/" + repo + "/manifests/" + digest).then().statusCode(200);
        assertEquals(20, eventDigests(repo, "tag.deleted").size());
        assertEquals(List.of(), eventDigests(repo, "artifact.deleted"));
    }

    @Test
    void aDeleteRacingAPushOfTheSameTagEndsWithEitherOrderNeverAFailure() throws Exception {
        String repo = repo("cdelrace");
        Descriptor layer = pushBlob(repo, randomBytes(64));
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            byte[] old = manifestOver(repo, layer);
            byte[] next = manifestOver(repo, layer);
            String oldDigest = pushManifest(repo, "race", OCI_MANIFEST, old).digest();
            String nextDigest = sha256(next);
            // By digest: the old manifest goes either way, and the tag ends on the new one.
            List<Answer> answers = all(List.of(() -> delete(repo, oldDigest), () -> put(repo, "race", next)));
            assertEquals(202, answers.get(0).status(), answers.get(0).body());
            assertEquals(201, answers.get(1).status(), answers.get(1).body());
            given().get("/v2/" + repo + "/manifests/" + oldDigest).then().statusCode(404);
            given().header("Accept", OCI_MANIFEST).get("/v2/" + repo + "/manifests/race").then().statusCode(200)
                    .header("Docker-Content-Digest", nextDigest);

            // By tag: the tag is gone (the push came first) or on the newer manifest (the delete came first).
            byte[] newer = manifestOver(repo, layer);
            String newerDigest = sha256(newer);
            answers = all(List.of(() -> delete(repo, "race"), () -> put(repo, "race", newer)));
            assertEquals(202, answers.get(0).status(), answers.get(0).body());
            assertEquals(201, answers.get(1).status(), answers.get(1).body());
            int tagStatus = given().header("Accept", OCI_MANIFEST).get("/v2/" + repo + "/manifests/race").then().extract().statusCode();
            assertTrue(tagStatus == 200 || tagStatus == 404, "status " + tagStatus);
            if (tagStatus == 200) {
                given().header("Accept", OCI_MANIFEST).get("/v2/" + repo + "/manifests/race").then()
                        .header("Docker-Content-Digest", newerDigest);
            }
            outcomes.merge(tagStatus == 200 ? "delete first" : "push first", 1, Integer::sum);
            given().get("/v2/" + repo + "/manifests/" + newerDigest).then().statusCode(200);
            // Start the next round with the tag set again.
            pushManifest(repo, "race", OCI_MANIFEST, newer);
        }
        assertEquals(10, outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes.toString());
    }
}
