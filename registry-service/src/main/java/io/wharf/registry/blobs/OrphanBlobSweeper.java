package io.wharf.registry.blobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.storage.BlobStore;

/**
 * Removes blob files that no metadata knows: a blob is committed to storage and then recorded in
 * the {@code blob} table right away, so a file without a row means the process died between the
 * two. Only files older than {@link #GRACE} are considered, so a commit in progress on any
 * instance is never touched; files from the last {@link #WINDOW} are looked at (a crash's leftover
 * is found at the next start, or the next hourly run).
 */
@ApplicationScoped
public class OrphanBlobSweeper {
    private static final Logger LOG = Logger.getLogger(OrphanBlobSweeper.class);
    static final Duration GRACE = Duration.ofMinutes(10);
    static final Duration WINDOW = Duration.ofDays(2);

    private final BlobStore store;

    public OrphanBlobSweeper(BlobStore store) {
        this.store = store;
    }

    @Scheduled(every = "1h", delayed = "11m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return sweep(Instant.now()).onFailure().invoke(e -> LOG.warnf("orphan blob sweep failed: %s", e.toString()))
                .onFailure().recoverWithItem(0).replaceWithVoid();
    }

    /** Deletes unrecorded blob files committed in {@code [now - WINDOW, now - GRACE)}; returns how many. */
    public Uni<Integer> sweep(Instant now) {
        return store.committedBetween(now.minus(WINDOW), now.minus(GRACE))
                .chain(candidates -> candidates.isEmpty() ? Uni.createFrom().item(List.<String>of()) : unrecorded(candidates))
                .chain(orphans -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (String digest : orphans) {
                        chain = chain.call(() -> store.delete(digest)).map(n -> n + 1);
                    }
                    return chain;
                })
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("removed %d blob files that no repository ever recorded", n);
                    }
                });
    }

    private Uni<List<String>> unrecorded(List<String> candidates) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT digest FROM blob WHERE digest IN (:digests)", String.class)
                .setParameter("digests", candidates)
                .getResultList()))
                .map(recorded -> candidates.stream().filter(d -> !recorded.contains(d)).toList());
    }
}
