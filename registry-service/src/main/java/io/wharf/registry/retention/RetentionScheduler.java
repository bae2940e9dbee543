package io.wharf.registry.retention;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Starts scheduled runs: retention when a project's cron schedule is due, untagged cleanup every
 * {@code wharf.retention.untagged-interval} in projects that delete untagged manifests. Every instance
 * looks; the one whose compare-and-set moves the project's next time forward runs it.
 */
@ApplicationScoped
public class RetentionScheduler {
    private static final Logger LOG = Logger.getLogger(RetentionScheduler.class);

    private final Pool pool;
    private final RetentionStore store;
    private final RetentionRunner runner;
    private final UntaggedCleanup untagged;
    private final RetentionConfig config;

    public RetentionScheduler(Pool pool, RetentionStore store, RetentionRunner runner, UntaggedCleanup untagged, RetentionConfig config) {
        this.pool = pool;
        this.store = store;
        this.runner = runner;
        this.untagged = untagged;
        this.config = config;
    }

    @Scheduled(every = "${wharf.retention.check-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runDue(Instant.now()).onFailure().invoke(e -> LOG.warnf("scheduled retention failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Runs what is due at {@code now}: scheduled retention, then untagged cleanup. */
    Uni<Void> runDue(Instant now) {
        Uni<Void> retention = store.dueRetention(pool, now).chain(due -> Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(d -> store.claimRetention(pool, d[0], now, Schedules.next(d[1], now))
                        .chain(claimed -> !claimed ? Uni.createFrom().voidItem()
                                : runner.run(d[0], RetentionRunner.RETENTION, false, RetentionRunner.Trigger.SCHEDULE, null)
                                        .onFailure().invoke(e -> LOG.warnf("scheduled retention of %s did not run: %s", d[0], e.getMessage()))
                                        .onFailure().recoverWithNull().replaceWithVoid()))
                .collect().last().replaceWithVoid());
        Uni<Void> cleanup = store.dueUntagged(pool, now).chain(due -> Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(project -> store.claimUntagged(pool, project, now, now.plus(config.untaggedInterval()))
                        .chain(claimed -> claimed ? untagged.clean(project, false, RetentionRunner.Trigger.SCHEDULE).replaceWithVoid()
                                : Uni.createFrom().voidItem()))
                .collect().last().replaceWithVoid());
        return retention.chain(() -> cleanup);
    }
}
