package io.wharf.registry.retention;

import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Deletes untagged manifests older than their project's grace period in the projects that turned it on
 * ({@code deleteUntagged}), never one that is deployed, has an immutable tag, is a child of a kept index,
 * a referrer of a kept artifact or the subject of a kept referrer. Events carry reason
 * {@code untagged}. Garbage collection calls {@link #cleanAll} before it marks blobs, so the blobs of
 * what this deletes are freed in the same GC run.
 */
@ApplicationScoped
public class UntaggedCleanup {
    private static final Logger LOG = Logger.getLogger(UntaggedCleanup.class);

    /** What one cleanup over all projects did. */
    public record Summary(int projects, int deleted, int deletedTags, List<Long> runs) {
    }

    private final Pool pool;
    private final RetentionStore store;
    private final RetentionRunner runner;

    public UntaggedCleanup(Pool pool, RetentionStore store, RetentionRunner runner) {
        this.pool = pool;
        this.store = store;
        this.runner = runner;
    }

    /**
     * Cleans every project that deletes untagged manifests, one after another (a dry run deletes
     * nothing and only reports). A project whose cleanup fails or is already running is skipped and logged.
     */
    public Uni<Summary> cleanAll(boolean dryRun) {
        return cleanAll(dryRun, () -> Uni.createFrom().item(false));
    }

    /** {@link #cleanAll(boolean)}, asking {@code stopRequested} before each project: true skips the rest. */
    public Uni<Summary> cleanAll(boolean dryRun, Supplier<Uni<Boolean>> stopRequested) {
        return store.untaggedProjects(pool).chain(projects -> Multi.createFrom().iterable(projects)
                .onItem().transformToUniAndConcatenate(project -> stopRequested.get().chain(stop -> stop
                        ? Uni.createFrom().<RetentionRunner.Outcome>nullItem()
                        : clean(project, dryRun, RetentionRunner.Trigger.GC)))
                .collect().asList()
                .map(outcomes -> {
                    List<RetentionRunner.Outcome> done = outcomes.stream().filter(o -> o != null).toList();
                    return new Summary(done.size(), done.stream().mapToInt(RetentionRunner.Outcome::deleted).sum(),
                            done.stream().mapToInt(RetentionRunner.Outcome::deletedTags).sum(),
                            done.stream().map(RetentionRunner.Outcome::id).toList());
                }));
    }

    /** Cleans one project; null when it failed or was running already (logged). */
    Uni<RetentionRunner.Outcome> clean(String project, boolean dryRun, RetentionRunner.Trigger trigger) {
        return runner.run(project, RetentionRunner.UNTAGGED, dryRun, trigger, null)
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("untagged cleanup of project %s did not run: %s", project, e.getMessage());
                    return Uni.createFrom().nullItem();
                });
    }
}
