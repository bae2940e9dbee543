package io.wharf.registry;

import static io.wharf.registry.GcTest.age;
import static io.wharf.registry.GcTest.count;
import static io.wharf.registry.GcTest.execute;
import static io.wharf.registry.GcTest.runToEnd;
import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_LAYER;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.registry.storage.BlobStore;

/**
 * Garbage collection prunes the links nothing references (a deleted manifest's layers, an untagged
 * manifest that untagged cleanup deleted in the same run), so their blobs are freed and the project's
 * quota usage drops; it keeps a layer another repository's image uses, and a link a push made within
 * the grace. The test profile's grace is 1 h: a test makes links and blobs old by setting their times back.
 */
@QuarkusTest
class GcPruneTest {

    @Inject
    BlobStore store;

    @ConfigProperty(name = "wharf.registry.storage.root")
    String storageRoot;

    @Test
    void aDeletedImageGivesItsLayersAndItsQuotaBack() {
        String project = Accounts.project("gc-prune", false);
        String repo = project + "/app";
        Oci.Image kept = Oci.pushImage(repo, "kept");
        Oci.Image gone = Oci.pushImage(repo, "gone");
        Oci.given().delete("/v2/" + repo + "/manifests/" + gone.digest()).then().statusCode(202);
        old(kept.config().digest(), kept.layer().digest(), gone.config().digest(), gone.layer().digest());

        JsonPath run = runToEnd(false);
        assertEquals("completed", run.getString("status"));
        assertTrue(run.getLong("linksPruned") >= 2, "the deleted image's config and layer links");
        assertEquals(2, count("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id WHERE r.name = $1", repo),
                "the kept image's links stay");

        for (String digest : new String[] {gone.config().digest(), gone.layer().digest()}) {
            assertNull(store.size(digest).await().atMost(Duration.ofSeconds(10)), "its bytes are gone");
            Oci.assertError(Oci.given().get("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        }
        assertPulls(repo, kept);
        long expected = kept.config().size() + kept.layer().size() + kept.manifest().length;
        assertEquals(expected, QuotaTest.used(project), "usage dropped to what stays");
        assertEquals(recomputed(project), QuotaTest.used(project), "usage equals the SQL recomputation");
    }

    @Test
    void aLayerAnotherRepositorysImageUsesStays() {
        String project = Accounts.project("gc-shared", false);
        byte[] shared = Oci.randomBytes(700);
        Oci.Image deleted = image(project + "/one", shared, "v1");
        Oci.Image kept = image(project + "/two", shared, "v1");
        Oci.given().delete("/v2/" + project + "/one/manifests/" + deleted.digest()).then().statusCode(202);
        old(deleted.config().digest(), kept.config().digest(), kept.layer().digest());

        JsonPath run = runToEnd(false);
        assertEquals("completed", run.getString("status"));
        assertTrue(run.getLong("linksPruned") >= 2, "the deleted repository's links");
        assertEquals(1, links(project + "/two", kept.layer().digest()), "the other repository's link stays");
        assertEquals(0, count("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id WHERE r.name = $1",
                project + "/one"));
        assertNotNull(store.size(kept.layer().digest()).await().atMost(Duration.ofSeconds(10)), "the shared layer stays");
        assertNull(store.size(deleted.config().digest()).await().atMost(Duration.ofSeconds(10)), "the deleted image's own config goes");
        Oci.assertError(Oci.given().get("/v2/" + project + "/one/blobs/" + kept.layer().digest()), 404, "BLOB_UNKNOWN");
        assertPulls(project + "/two", kept);
        assertEquals(kept.config().size() + shared.length + kept.manifest().length, QuotaTest.used(project));
        assertEquals(recomputed(project), QuotaTest.used(project));
    }

    @Test
    void aLinkWithoutItsManifestYetSurvivesWithinTheGraceAndALinkAgainRefreshesIt() throws IOException {
        String repo = Oci.repo("gc-pushing");
        byte[] layer = Oci.randomBytes(500);
        String digest = Oci.pushBlob(repo, layer).digest();
        age(digest); // the blob is old; its link is new: a push in progress, its manifest not there yet

        runToEnd(false);
        assertEquals(1, links(repo, digest), "within the grace the link stays");
        Oci.assertPullsBack(repo, layer);

        // The same blob uploaded again, long after its first link: the link counts from now.
        execute("UPDATE repository_blob SET linked_at = now() - interval '2 hours' WHERE digest = $1", digest);
        Oci.pushBlob(repo, layer);
        runToEnd(false);
        assertEquals(1, links(repo, digest), "a link made again is a new link");

        // Past the grace with no manifest: pruned, and the blob freed in the same run.
        execute("UPDATE repository_blob SET linked_at = now() - interval '2 hours' WHERE digest = $1", digest);
        age(digest);
        JsonPath run = runToEnd(false);
        assertTrue(run.getLong("linksPruned") >= 1);
        assertEquals(0, links(repo, digest));
        assertNull(store.size(digest).await().atMost(Duration.ofSeconds(10)));
        Oci.given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void aDryRunCountsWhatItWouldPruneAndFreeAndChangesNothing() throws IOException {
        runToEnd(false); // whatever earlier tests left
        String project = Accounts.project("gc-prune-dry", false);
        String repo = project + "/app";
        Oci.Image gone = Oci.pushImage(repo, "gone");
        Oci.given().delete("/v2/" + repo + "/manifests/" + gone.digest()).then().statusCode(202);
        old(gone.config().digest(), gone.layer().digest());
        long used = QuotaTest.used(project);

        Map<String, Object> before = GcTest.snapshot(storageRoot);
        JsonPath dry = runToEnd(true);
        assertEquals("completed", dry.getString("status"));
        assertEquals(2, dry.getLong("linksPruned"), "would prune");
        assertEquals(2, dry.getLong("blobsDeleted"), "would then free");
        assertEquals(gone.config().size() + gone.layer().size(), dry.getLong("bytesFreed"));
        assertEquals(before, GcTest.snapshot(storageRoot), "rows and files unchanged");
        assertEquals(used, QuotaTest.used(project));
        Admin.given().get("/api/v1/gc/" + dry.getString("id")).then().statusCode(200)
                .body("linksPruned", org.hamcrest.Matchers.equalTo(2));

        JsonPath real = runToEnd(false);
        assertEquals(2, real.getLong("linksPruned"), "the real run did what the dry run said");
        assertEquals(2, real.getLong("blobsDeleted"));
        assertEquals(dry.getLong("bytesFreed"), real.getLong("bytesFreed"));
        assertEquals(0, QuotaTest.used(project));
    }

    @Test
    void untaggedManifestsOfAProjectThatDeletesThemGoInTheRunAndTheirLayersWithThem() {
        String project = Accounts.project("gc-untagged", false);
        String repo = project + "/app";
        Oci.Image tagged = Oci.pushImage(repo, "v1");
        Oci.Descriptor config = Oci.pushBlob(repo, OCI_CONFIG, Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"u\":1}"));
        Oci.Descriptor layer = Oci.pushBlob(repo, OCI_LAYER, Oci.randomBytes(900));
        byte[] manifest = Oci.bytes(Oci.imageManifest(OCI_MANIFEST, config, layer));
        Oci.Descriptor untagged = Oci.pushManifest(repo, Oci.sha256(manifest), OCI_MANIFEST, manifest);
        RetentionFixtures.untaggedPolicy(project, 0);
        old(tagged.config().digest(), tagged.layer().digest(), config.digest(), layer.digest());

        JsonPath run = runToEnd(false);
        assertEquals("completed", run.getString("status"));
        assertTrue(run.getLong("manifestsDeleted") >= 1, "untagged cleanup ran in the run");
        assertTrue(run.getLong("linksPruned") >= 2);
        Oci.assertError(Oci.given().accept(OCI_MANIFEST).get("/v2/" + repo + "/manifests/" + untagged.digest()), 404, "MANIFEST_UNKNOWN");
        assertNull(store.size(layer.digest()).await().atMost(Duration.ofSeconds(10)), "its layer was freed in the same run");
        assertNull(store.size(config.digest()).await().atMost(Duration.ofSeconds(10)));
        assertPulls(repo, tagged);
        assertEquals(tagged.config().size() + tagged.layer().size() + tagged.manifest().length, QuotaTest.used(project));
        assertEquals(recomputed(project), QuotaTest.used(project));
    }

    // ------------------------------------------------------------------ helpers

    /** Sets blobs and their links back past the test grace (1 h). */
    static void old(String... digests) {
        age(digests);
        for (String d : digests) {
            execute("UPDATE repository_blob SET linked_at = now() - interval '2 hours' WHERE digest = $1", d);
        }
    }

    /** An image of a fresh config and {@code layer}, pushed to the repository under {@code tag}. */
    static Oci.Image image(String repo, byte[] layer, String tag) {
        Oci.Descriptor config = Oci.pushBlob(repo, OCI_CONFIG, Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + Oci.suffix() + "\"}"));
        Oci.Descriptor l = Oci.pushBlob(repo, OCI_LAYER, layer);
        byte[] manifest = Oci.bytes(Oci.imageManifest(OCI_MANIFEST, config, l));
        return new Oci.Image(config, l, manifest, Oci.pushManifest(repo, tag, OCI_MANIFEST, manifest));
    }

    /** The image's manifest and blobs pull back byte for byte. */
    static void assertPulls(String repo, Oci.Image image) {
        assertArrayEquals(image.manifest(), Oci.given().accept(OCI_MANIFEST).get("/v2/" + repo + "/manifests/" + image.digest())
                .then().statusCode(200).extract().asByteArray());
        for (Oci.Descriptor blob : new Oci.Descriptor[] {image.config(), image.layer()}) {
            assertEquals(blob.digest(), Oci.sha256(Oci.given().get("/v2/" + repo + "/blobs/" + blob.digest())
                    .then().statusCode(200).extract().asByteArray()));
        }
    }

    static long links(String repo, String digest) {
        return count("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id WHERE r.name = $1 AND l.digest = $2",
                repo, digest);
    }

    /** The project's usage recomputed from the tables (what quota_recompute would set). */
    static long recomputed(String project) {
        return count("""
                SELECT (SELECT coalesce(sum(b.size), 0) FROM blob b WHERE b.digest IN (
                            SELECT l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id WHERE r.project = $1))
                     + (SELECT coalesce(sum(m.size), 0) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project = $1)""",
                project);
    }
}
