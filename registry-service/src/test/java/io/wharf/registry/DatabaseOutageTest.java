package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Pushes while PostgreSQL cannot be reached answer 503 with the spec's error body (code
 * {@code UNAVAILABLE}, as Distribution answers when its storage is down), not a bare 500; once the
 * database is back, the same push succeeds.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.ThroughAProxy.class)
class DatabaseOutageTest {

    /** The registry's database behind a proxy the test can close ({@link ProxiedDatabase}). */
    public static class ThroughAProxy implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxiedDatabase.class));
        }
    }

    private static void database(boolean reachable) {
        ProxiedDatabase.reachable(reachable);
    }

    @AfterEach
    void databaseBack() {
        database(true);
    }

    @Test
    void pushesWhileTheDatabaseIsDownAnswer503Unavailable() {
        String repo = "outage-" + Oci.suffix() + "/app";
        Oci.Descriptor config = Oci.pushBlob(repo, Oci.OCI_CONFIG, Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
        Oci.Descriptor layer = Oci.pushBlob(repo, Oci.OCI_LAYER, Oci.randomBytes(64));
        byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, config, layer));

        database(false);
        Oci.assertError(Oci.given().contentType(Oci.OCI_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/v1"), 503, "UNAVAILABLE")
                .body("errors[0].message", containsString("unavailable"));
        // A blob's commit records it in the database (starting an upload may not need it: access and
        // quota can be answered from caches).
        byte[] blob = Oci.randomBytes(64);
        Oci.assertError(Oci.given().queryParam("digest", Oci.sha256(blob)).contentType("application/octet-stream").body(blob)
                .post("/v2/" + repo + "/blobs/uploads/"), 503, "UNAVAILABLE");

        database(true);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Oci.given().contentType(Oci.OCI_MANIFEST).body(manifest).put("/v2/" + repo + "/manifests/v1").statusCode() == 201);
    }
}
