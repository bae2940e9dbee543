package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import io.wharf.registry.gc.GcService;

/**
 * Pushes that re-use the layers of images just deleted (their links dangle: HEAD says 200) race
 * garbage collections that run back to back with no blob grace and a link grace of 2 s, so the dangling
 * links are pruned while pushes re-use them. A push whose link is pruned between its HEAD and its
 * manifest (a HEAD answered from the cache does not refresh the link) is refused
 * ({@code MANIFEST_BLOB_UNKNOWN}) and the client pushes again, HEAD answering 404 and the blob uploaded
 * anew. (With a link grace of 0 no push is protected at all: pushes can be refused over and over.) What must hold: every push that completed pulls back byte for byte, the collections pruned links
 * and freed blobs meanwhile, and nothing else failed. Manifests are deleted by digest one at a time
 * (pushes go on meanwhile).
 */
@QuarkusTest
@TestProfile(GcPruneRaceTest.NoGraceAtAll.class)
class GcPruneRaceTest {

    public static class NoGraceAtAll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.gc.grace", "0s", "wharf.gc.link-grace", "2s", "wharf.gc.batch-size", "5");
        }
    }

    static final int PUSHES = 90;
    static final int THREADS = 8;
    static final int POOL = 24;
    static final int REPOS = 6;
    static final int ATTEMPTS = 100;

    /** Manifest deletes go one at a time (concurrent deletes are another matter: ManifestService's). */
    private static final Object DELETES = new Object();

    @Inject
    GcService gc;

    record Pushed(String repo, String digest, byte[] manifest, List<byte[]> blobs) {
    }

    @Test
    void everyCompletedPushPullsBackWhileLinksArePrunedWithNoGrace() throws Throwable {
        String run = Oci.suffix();
        List<byte[]> pool = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            pool.add(Oci.randomBytes(1024 + i));
        }
        AtomicBoolean pushing = new AtomicBoolean(true);
        AtomicLong pruned = new AtomicLong();
        AtomicLong freed = new AtomicLong();
        AtomicLong runs = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<?> collections = background.submit(() -> {
            while (pushing.get()) {
                try {
                    GcService.GcRunView done = VertxContextSupport.subscribeAndAwait(() -> gc.runNow(GcService.MANUAL, false));
                    assertEquals("completed", done.status(), "run " + done.id() + ": " + done.error());
                    pruned.addAndGet(done.linksPruned());
                    freed.addAndGet(done.blobsDeleted());
                    runs.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(e);
                    return;
                }
            }
        });

        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        List<Future<Pushed>> pushes = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
            int n = i;
            pushes.add(clients.submit(() -> push(run, n, pool, refused)));
        }
        List<Pushed> kept = GcRaceTest.awaitAll(pushes, clients, pushing, background, failures, collections);
        GcService.GcRunView last = VertxContextSupport.subscribeAndAwait(() -> gc.runNow(GcService.MANUAL, false));
        pruned.addAndGet(last.linksPruned());

        assertTrue(runs.get() >= 2, "collections ran: " + runs.get());
        assertTrue(pruned.get() > 0, "links were pruned during the pushes");
        assertTrue(freed.get() > 0, "blobs were freed during the pushes");
        assertEquals(PUSHES / 3, kept.size());
        for (Pushed p : kept) {
            byte[] manifest = Oci.given().accept(Oci.OCI_MANIFEST).get("/v2/" + p.repo() + "/manifests/" + p.digest())
                    .then().statusCode(200).extract().asByteArray();
            assertArrayEquals(p.manifest(), manifest, p.repo() + "@" + p.digest());
            for (byte[] blob : p.blobs()) {
                byte[] pulled = Oci.given().get("/v2/" + p.repo() + "/blobs/" + Oci.sha256(blob)).then().statusCode(200)
                        .extract().asByteArray();
                assertArrayEquals(blob, pulled, p.repo() + " " + Oci.sha256(blob));
            }
        }
        System.out.printf("GcPruneRaceTest: %d pushes, %d kept, %d manifests refused and pushed again, %d runs, %d links pruned, %d blobs freed%n",
                PUSHES, kept.size(), refused.get(), runs.get(), pruned.get(), freed.get());
    }

    /**
     * One push: a unique config, two layers its group of four shares (pushed at about the same time)
     * and a unique layer, each uploaded unless the repository links it already (HEAD), then the manifest;
     * a manifest refused because a collection pruned a link meanwhile is pushed again from the HEADs.
     * Two pushes in three delete their manifest by digest right after, leaving their links dangling for
     * the next pushes to re-use; the third is kept and returned.
     */
    private static Pushed push(String run, int n, List<byte[]> pool, AtomicLong refused) {
        String repo = "prune-" + run + "/r" + (n % REPOS);
        int group = n / 4;
        byte[] config = Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + n + "}");
        List<byte[]> layers = List.of(pool.get((2 * group) % POOL), pool.get((2 * group + 1) % POOL), Oci.randomBytes(256));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Oci.Descriptor configDescriptor = upload(repo, Oci.OCI_CONFIG, config);
            List<Oci.Descriptor> layerDescriptors = new ArrayList<>();
            for (byte[] layer : layers) {
                layerDescriptors.add(upload(repo, Oci.OCI_LAYER, layer));
            }
            byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, configDescriptor, layerDescriptors.toArray(Oci.Descriptor[]::new)));
            String digest = Oci.sha256(manifest);
            Response put = Oci.putManifest(repo, digest, Oci.OCI_MANIFEST, manifest);
            if (put.statusCode() != 201) {
                Oci.assertError(put, 400, "MANIFEST_BLOB_UNKNOWN");
                refused.incrementAndGet();
                continue;
            }
            if (n % 3 != 0) {
                synchronized (DELETES) {
                    Oci.given().delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(202);
                }
                return null;
            }
            List<byte[]> blobs = new ArrayList<>(layers);
            blobs.add(config);
            return new Pushed(repo, digest, manifest, blobs);
        }
        throw new AssertionError("push " + n + " refused " + ATTEMPTS + " times");
    }

    /** HEAD first, as clients do; a monolithic upload when the repository does not link it. */
    private static Oci.Descriptor upload(String repo, String mediaType, byte[] content) {
        String digest = Oci.sha256(content);
        if (Oci.given().head("/v2/" + repo + "/blobs/" + digest).statusCode() == 200) {
            return new Oci.Descriptor(mediaType, digest, content.length);
        }
        return Oci.pushBlob(repo, mediaType, content);
    }
}
