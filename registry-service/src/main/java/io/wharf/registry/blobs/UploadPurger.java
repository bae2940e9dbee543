package io.wharf.registry.blobs;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.storage.BlobStore;

/**
 * Removes uploads nobody has written to for {@code wharf.registry.storage.upload-max-age}. Every
 * instance schedules it; one purges at a time: the purge holds a PostgreSQL session advisory lock on a
 * connection of its own, and an instance that cannot take it skips that turn (the stores also tolerate
 * a removal done meanwhile by someone else, should the lock's connection drop midway).
 */
@ApplicationScoped
public class UploadPurger {
    private static final Logger LOG = Logger.getLogger(UploadPurger.class);

    /** The advisory lock key of upload purges ("wharfupl"). */
    static final long PURGE_LOCK = 0x776861726675706CL;

    /** What {@link #purge} answers when another instance was purging. */
    public static final int SKIPPED = -1;

    private final BlobStore store;
    private final RegistryConfig config;
    private final Pool pool;

    public UploadPurger(BlobStore store, RegistryConfig config, Pool pool) {
        this.store = store;
        this.config = config;
        this.pool = pool;
    }

    @Scheduled(every = "${wharf.registry.storage.upload-purge-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return purge().onFailure().invoke(e -> LOG.warnf("upload purge failed (retried next time): %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Removes the idle uploads; answers how many, or {@link #SKIPPED} when another instance was purging. */
    public Uni<Integer> purge() {
        return pool.getConnection().chain(lock -> lock.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(PURGE_LOCK))
                .map(rows -> rows.iterator().next().getBoolean(0))
                .chain(locked -> !locked ? Uni.createFrom().item(SKIPPED)
                        : store.purgeUploadsOlderThan(config.storage().uploadMaxAge())
                                .invoke(n -> {
                                    if (n > 0) {
                                        LOG.infof("removed %d abandoned uploads", n);
                                    }
                                })
                                .eventually(() -> unlock(lock)))
                .eventually(lock::close));
    }

    /** A pooled connection keeps its session, and so its advisory locks: unlocked before it goes back. */
    private static Uni<Void> unlock(SqlConnection lock) {
        return lock.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(PURGE_LOCK))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
