package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.gc.GarbageCollector;
import io.wharf.registry.gc.GcConfig;
import io.wharf.registry.gc.GcService;

/**
 * How long garbage collection's mark takes over a large registry, and how fast its sweep deletes on
 * the filesystem store. Loads with SQL {@value #REFERENCES} manifest references (manifests of ten
 * blobs each, over a fifth as many distinct blobs, all old) and {@value #GARBAGE} unreferenced old
 * blobs whose files are written into the store; then times the mark (one statement), and a whole run
 * that sweeps what was marked (bytes and rows); then push throughput with collections running back to
 * back against idle; prints the figures and writes them to {@code target/gc-bench*.txt}. Not part of the suite (no *Test suffix): {@code -Dtest=GcBench};
 * {@code -Dgc.bench.references=N -Dgc.bench.garbage=N} change the sizes.
 */
@QuarkusTest
class GcBench {

    static final long REFERENCES = 1_000_000;
    static final int GARBAGE = 10_000;

    @Inject
    Pool pool;

    @Inject
    GarbageCollector collector;

    @Inject
    GcService gc;

    @Inject
    GcConfig config;

    @ConfigProperty(name = "wharf.registry.storage.root")
    String root;

    @Test
    void markOverAMillionReferencesSweepRateAndPushesDuringCollections() throws Throwable {
        long references = Long.getLong("gc.bench.references", REFERENCES);
        int garbage = Integer.getInteger("gc.bench.garbage", GARBAGE);
        long manifests = references / 10;
        long blobs = Math.max(1, references / 5);
        String repo = "gc-bench-" + Oci.suffix() + "/app";
        run("INSERT INTO repository (name, project, populated) VALUES ($1, split_part($1, '/', 1), true)", repo);
        run("""
                INSERT INTO blob (digest, size, created_at)
                SELECT 'sha256:' || md5('bench-blob' || g) || md5('b' || g), 1000, now() - interval '30 days' FROM generate_series(1, $1) g""",
                blobs);
        run("""
                INSERT INTO manifest (repository_id, digest, media_type, size, content, created_at)
                SELECT (SELECT id FROM repository WHERE name = $1), 'sha256:' || md5('bench-manifest' || g) || md5('m' || g),
                       'application/vnd.oci.image.manifest.v1+json', 2, '{}'::bytea, now() - interval '30 days'
                FROM generate_series(1, $2) g""", repo, manifests);
        run("""
                INSERT INTO manifest_reference (manifest_id, digest, kind)
                SELECT m.id, 'sha256:' || md5('bench-blob' || b) || md5('b' || b), 'blob'
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM manifest WHERE repository_id = (SELECT id FROM repository WHERE name = $1)) m,
                     generate_series(0, 9) k, LATERAL (SELECT 1 + ((m.n * 10 + k) % $2) AS b) x""", repo, blobs);

        List<String> digests = new ArrayList<>();
        for (int i = 0; i < garbage; i++) {
            byte[] content = Oci.randomBytes(1024);
            String digest = Oci.sha256(content);
            String hex = digest.substring("sha256:".length());
            Path file = Path.of(root, "blobs", "sha256", hex.substring(0, 2), hex);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            digests.add(digest);
        }
        run("INSERT INTO blob (digest, size, created_at) SELECT d, 1024, now() - interval '30 days' FROM unnest($1::text[]) d",
                (Object) digests.toArray(String[]::new));
        pool.query("ANALYZE").execute().await().indefinitely();
        long refs = pool.query("SELECT count(*) FROM manifest_reference").execute().await().indefinitely().iterator().next().getLong(0);

        long t0 = System.nanoTime();
        int marked = VertxContextSupport.subscribeAndAwait(() -> collector.mark(config.grace()));
        double markSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        GcService.GcRunView run = VertxContextSupport.subscribeAndAwait(() -> gc.runNow(GcService.MANUAL, false));
        double sweepSeconds = (System.nanoTime() - t1) / 1e9;

        assertEquals("completed", run.status());
        String report = """
                GC bench: %d manifest references, %d blobs referenced, %d unreferenced (files on the filesystem store)
                mark: %d blobs marked in %.2f s
                sweep (a whole run: re-check, deleting, file delete, row delete; batch %d): %d blobs in %.2f s = %.0f deletes/s
                """.formatted(refs, blobs, garbage, marked, markSeconds, config.batchSize(), run.blobsDeleted(), sweepSeconds,
                run.blobsDeleted() / sweepSeconds);
        System.out.print(report);
        Files.writeString(Path.of("target", "gc-bench.txt"), report);
        // Then pushes over that registry (a million references for every mark) with and without collections.
        pushThroughputWhileCollectionsRunVersusIdle();
    }

    /**
     * Push throughput with collections running back to back against idle (after a warm-up round): {@value #PUSHES} pushes of a
     * small image (config, a 64 KiB layer, manifest) by {@value #PUSHERS} clients, first with no
     * collection, then while collections run one after another (with the test grace, over whatever the
     * registry holds); prints both rates and their ratio (the target: at least 0.8).
     */
    private void pushThroughputWhileCollectionsRunVersusIdle() throws Throwable {
        pushesPerSecond("warm-up");
        double idle = pushesPerSecond("idle");
        java.util.concurrent.atomic.AtomicBoolean pushing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<?> collections = background.submit(() -> {
            while (pushing.get()) {
                try {
                    VertxContextSupport.subscribeAndAwait(() -> gc.runNow(GcService.MANUAL, false));
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
                runs.incrementAndGet();
            }
            return null;
        });
        double busy;
        try {
            busy = pushesPerSecond("gc");
        } finally {
            pushing.set(false);
            collections.get(5, java.util.concurrent.TimeUnit.MINUTES);
            background.shutdown();
        }
        String report = """
                push throughput (%d pushes, %d clients): idle %.1f/s, while %d collections ran back to back %.1f/s = %.2fx
                """.formatted(PUSHES, PUSHERS, idle, runs.get(), busy, busy / idle);
        System.out.print(report);
        Files.writeString(Path.of("target", "gc-bench-push.txt"), report);
    }

    static final int PUSHES = 300;
    static final int PUSHERS = 8;

    private static double pushesPerSecond(String label) throws Exception {
        String repo = "gc-push-" + label + "-" + Oci.suffix() + "/app";
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(PUSHERS);
        try {
            List<java.util.concurrent.Callable<Object>> pushes = new ArrayList<>();
            for (int i = 0; i < PUSHES; i++) {
                int n = i;
                pushes.add(() -> {
                    Oci.Descriptor config = Oci.pushBlob(repo, Oci.OCI_CONFIG, Oci.utf8("{\"n\":\"" + label + n + "\"}"));
                    Oci.Descriptor layer = Oci.pushBlob(repo, Oci.randomBytes(64 * 1024));
                    return Oci.pushManifest(repo, "t" + n, Oci.OCI_MANIFEST, Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, config, layer)));
                });
            }
            long t0 = System.nanoTime();
            for (java.util.concurrent.Future<Object> f : clients.invokeAll(pushes)) {
                f.get();
            }
            return PUSHES / ((System.nanoTime() - t0) / 1e9);
        } finally {
            clients.shutdown();
        }
    }

    private void run(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofMinutes(30));
    }
}
