package io.wharf.registry.gc;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * An optional step of every garbage-collection run, before links are pruned and blobs marked: deletes
 * the untagged manifests a project's settings say may go (retention owns the rules; the bean that
 * implements this lives in a package nothing depends on, so neither gc nor retention depends on the
 * other). When a bean implements it, {@link GcService} calls it; the manifests it deletes free their
 * blobs' references, the prune then removes the links nothing references any more, and the same run
 * collects those blobs.
 */
public interface BeforeMark {

    /**
     * Deletes the untagged manifests due for deletion, or on a dry run only counts them; returns how
     * many. {@code stopRequested} tells whether the run was asked to stop (one query): ask it between
     * batches.
     */
    Uni<Long> run(boolean dryRun, Supplier<Uni<Boolean>> stopRequested);
}
