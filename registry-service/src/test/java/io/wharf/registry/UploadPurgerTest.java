package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.blobs.UploadPurger;
import io.wharf.registry.storage.BlobStore;

/** Idle uploads are purged by one instance at a time: while another holds the purge lock, this one skips. */
@QuarkusTest
class UploadPurgerTest {

    /** The advisory lock UploadPurger takes for a purge ("wharfupl"). */
    static final long PURGE_LOCK = 0x776861726675706CL;

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    BlobStore store;

    @Inject
    UploadPurger purger;

    @Inject
    Pool pool;

    @ConfigProperty(name = "wharf.registry.storage.root")
    String root;

    @Test
    void skipsWhileAnotherInstancePurgesThenPurgesAndLetsTheLockGo() throws Throwable {
        String id = store.createUpload(Oci.repo("purge")).await().atMost(WAIT).id();
        // Idle for two days: past upload-max-age (24 h).
        Path data = Path.of(root, "uploads", id, "data");
        Files.setLastModifiedTime(data, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

        SqlConnection other = pool.getConnection().await().atMost(WAIT);
        try {
            assertTrue(tryLock(other), "the other instance takes the purge lock");
            assertEquals(UploadPurger.SKIPPED, purge(), "a purge while another instance purges does nothing");
            assertNotNull(store.upload(id).await().atMost(WAIT), "the idle upload is still there");
            other.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(PURGE_LOCK)).await().atMost(WAIT);

            int purged = purge();
            // The test storage outlives each run, so earlier runs' idle uploads may go too.
            assertTrue(purged >= 1, "purged " + purged);
            assertNull(store.upload(id).await().atMost(WAIT), "the idle upload is gone");
            assertFalse(Files.exists(data));
            assertTrue(tryLock(other), "the purge let its lock go");
        } finally {
            other.preparedQuery("SELECT pg_advisory_unlock_all()").execute().await().atMost(WAIT);
            other.close().await().atMost(WAIT);
        }
    }

    private int purge() throws Throwable {
        // On a Vert.x duplicated context, as the scheduler runs it.
        return VertxContextSupport.subscribeAndAwait(() -> purger.purge());
    }

    private static boolean tryLock(SqlConnection connection) {
        return connection.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(PURGE_LOCK))
                .await().atMost(WAIT).iterator().next().getBoolean(0);
    }
}
