package io.wharf.registry.gc;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * An optional step of every garbage-collection run, before blobs are marked: deletes the untagged
 * manifests a project's settings say may go (retention owns the rules). When a bean implements it,
 * {@link GcService} calls it; the manifests it deletes free their blobs' references, so the same run
 * can then collect those blobs (once their links are gone too).
 */
public interface UntaggedCleanup {

    /**
     * Deletes the untagged manifests due for deletion, or on a dry run only counts them (changing
     * nothing); returns how many. {@code stopRequested} tells whether the run was asked to stop (one
     * query): ask it between batches.
     */
    Uni<Long> run(boolean dryRun, Supplier<Uni<Boolean>> stopRequested);
}
