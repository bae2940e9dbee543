package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Pushes race garbage collections that run back to back with no grace: pushes made at about the same
 * time share layers; most of them are aborted and unlinked (their layers become garbage while the
 * other pushes upload, mount or reference the same layers), and a churn thread keeps linking and
 * unlinking the shared layers in a repository of its own. Afterwards every image that was kept pulls
 * back byte for byte, no push was refused, and the collections did free blobs meanwhile.
 */
@QuarkusTest
@TestProfile(GcRaceTest.NoGrace.class)
class GcRaceTest {

    public static class NoGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Links keep a grace: a link made by a push whose manifest is not there yet is pruned only after
            // it, and this test proves no push is refused (GcPruneRaceTest prunes with no grace).
            return Map.of("wharf.gc.grace", "0s", "wharf.gc.link-grace", "1h", "wharf.gc.batch-size", "7");
        }
    }

    static final int PUSHES = 200;
    static final int THREADS = 12;
    static final int POOL = 60;
    static final int GROUP = 8;

    @Inject
    GcService gc;

    record Pushed(String repo, String tag, byte[] manifest, List<byte[]> blobs) {
    }

    @Test
    void everyKeptImagePullsBackWhileCollectionsRunBackToBack() throws Throwable {
        String run = Oci.suffix();
        List<byte[]> pool = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            pool.add(Oci.randomBytes(2048 + i));
        }
        String base = "race-" + run + "/base";
        AtomicBoolean pushing = new AtomicBoolean(true);
        AtomicLong freed = new AtomicLong();
        AtomicLong runs = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        ExecutorService background = Executors.newFixedThreadPool(2);
        Future<?> collections = background.submit(() -> {
            while (pushing.get()) {
                try {
                    GcService.GcRunView done = VertxContextSupport.subscribeAndAwait(() -> gc.runNow(GcService.MANUAL, false));
                    assertEquals("completed", done.status(), "run " + done.id() + ": " + done.error());
                    freed.addAndGet(done.blobsDeleted());
                    runs.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(e);
                    return;
                }
            }
        });
        Future<?> churn = background.submit(() -> {
            Random random = new Random(1);
            while (pushing.get()) {
                byte[] layer = pool.get(random.nextInt(POOL));
                try {
                    GcTest.unlinked(base, layer);
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
            pushes.add(clients.submit(() -> push(run, n, pool, base)));
        }
        List<Pushed> kept = awaitAll(pushes, clients, pushing, background, failures, collections, churn);
        // One more collection after the pushes: nothing kept may go.
        VertxContextSupport.subscribeAndAwait(() -> gc.runNow(GcService.MANUAL, false));

        assertTrue(runs.get() >= 2, "collections ran: " + runs.get());
        assertTrue(freed.get() > 0, "the collections freed blobs during the pushes");
        for (Pushed p : kept) {
            byte[] manifest = Oci.given().accept(Oci.OCI_MANIFEST).get("/v2/" + p.repo() + "/manifests/" + p.tag())
                    .then().statusCode(200).extract().asByteArray();
            assertArrayEquals(p.manifest(), manifest, p.repo() + ":" + p.tag());
            for (byte[] blob : p.blobs()) {
                byte[] pulled = Oci.given().get("/v2/" + p.repo() + "/blobs/" + Oci.sha256(blob)).then().statusCode(200)
                        .extract().asByteArray();
                assertArrayEquals(blob, pulled, p.repo() + " " + Oci.sha256(blob));
            }
        }
    }

    /**
     * Waits for the pushes (what each kept, nulls left out; what each threw goes to {@code failures}),
     * then tells the background loops to stop and waits for them; throws when anything failed.
     */
    static <T> List<T> awaitAll(List<Future<T>> pushes, ExecutorService clients, AtomicBoolean pushing, ExecutorService background,
                                ConcurrentLinkedQueue<Throwable> failures, Future<?>... loops) throws Exception {
        List<T> kept = new ArrayList<>();
        try {
            for (Future<T> f : pushes) {
                try {
                    T p = f.get(5, TimeUnit.MINUTES);
                    if (p != null) {
                        kept.add(p);
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
        } finally {
            pushing.set(false);
            clients.shutdown();
            for (Future<?> loop : loops) {
                loop.get(5, TimeUnit.MINUTES);
            }
            background.shutdown();
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " failures, the first: " + failures.peek());
            failures.forEach(e::addSuppressed);
            throw e;
        }
        return kept;
    }

    /**
     * One push of a group of {@link #GROUP} that share two layers (pushed at about the same time): a
     * unique config, a unique layer and the group's two layers, each uploaded unless the repository
     * has it (HEAD), some mounted from the churn's repository. One push in four is kept (its manifest
     * is put); the others stop before the manifest and unlink what they uploaded, as an aborted push
     * would be cleaned up, so the group's layers turn into garbage while the kept pushes use them.
     */
    private static Pushed push(String run, int n, List<byte[]> pool, String base) {
        Random random = new Random(n);
        boolean keep = n % 4 == 0;
        String repo = keep ? "race-" + run + "/kept" + (n % 5) : "race-" + run + "/aborted" + n;
        int group = n / GROUP;
        byte[] config = Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + n + "}");
        List<byte[]> layers = List.of(pool.get((2 * group) % POOL), pool.get((2 * group + 1) % POOL), Oci.randomBytes(512));
        Oci.Descriptor configDescriptor = upload(repo, Oci.OCI_CONFIG, config, false, base);
        List<Oci.Descriptor> layerDescriptors = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            layerDescriptors.add(upload(repo, Oci.OCI_LAYER, layers.get(i), i < 2 && random.nextBoolean(), base));
        }
        List<byte[]> blobs = new ArrayList<>(layers);
        blobs.add(config);
        if (!keep) {
            for (byte[] blob : blobs) {
                Oci.given().delete("/v2/" + repo + "/blobs/" + Oci.sha256(blob)).then().statusCode(202);
            }
            return null;
        }
        byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, configDescriptor, layerDescriptors.toArray(Oci.Descriptor[]::new)));
        String tag = "t" + n;
        Oci.pushManifest(repo, tag, Oci.OCI_MANIFEST, manifest);
        return new Pushed(repo, tag, manifest, blobs);
    }

    /** Uploads the blob the way clients do: HEAD first, then a mount (falling back to an upload) or a monolithic upload. */
    private static Oci.Descriptor upload(String repo, String mediaType, byte[] content, boolean mount, String from) {
        String digest = Oci.sha256(content);
        if (Oci.given().head("/v2/" + repo + "/blobs/" + digest).statusCode() == 200) {
            return new Oci.Descriptor(mediaType, digest, content.length);
        }
        if (mount) {
            Response r = Oci.given().post("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from);
            if (r.statusCode() == 201) {
                return new Oci.Descriptor(mediaType, digest, content.length);
            }
            assertEquals(202, r.statusCode(), r.asString());
            String location = r.header("Location");
            Oci.given().contentType("application/octet-stream").body(content)
                    .put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest).then().statusCode(201);
            return new Oci.Descriptor(mediaType, digest, content.length);
        }
        return Oci.pushBlob(repo, mediaType, content);
    }
}
