package io.wharf.registry.retention.gc;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.gc.BeforeMark;
import io.wharf.registry.retention.UntaggedCleanup;

/**
 * Wires retention's untagged cleanup into garbage collection: every GC run first deletes the untagged
 * manifests of the projects that turned {@code deleteUntagged} on (their grace and protections are
 * retention's), so the same run prunes the links and frees the blobs only those manifests kept. Lives
 * in a package of its own that nothing depends on, so gc and retention do not depend on each other.
 */
@ApplicationScoped
public class UntaggedBeforeMark implements BeforeMark {

    private final UntaggedCleanup cleanup;

    public UntaggedBeforeMark(UntaggedCleanup cleanup) {
        this.cleanup = cleanup;
    }

    /** Manifests deleted (a dry run: that would be); stops between projects when the run is asked to. */
    @Override
    public Uni<Long> run(boolean dryRun, Supplier<Uni<Boolean>> stopRequested) {
        return cleanup.cleanAll(dryRun, stopRequested).map(summary -> (long) summary.deleted());
    }
}
