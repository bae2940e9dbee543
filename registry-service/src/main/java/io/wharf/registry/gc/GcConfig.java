package io.wharf.registry.gc;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Garbage collection of blobs, under {@code wharf.gc}. */
@ConfigMapping(prefix = "wharf.gc")
public interface GcConfig {

    /**
     * How old (since it was committed, or last revived by a push, mount or read) an unreferenced blob
     * must be before a run may delete it ({@code WHARF_GC_GRACE}). At least the upload lifetime
     * ({@code wharf.registry.storage.upload-max-age}) in production.
     */
    @WithDefault("24h")
    Duration grace();

    /**
     * How long ago a blob must last have been linked in a repository (uploaded, mounted or read there)
     * before a run may prune that link when no manifest of the repository references the blob
     * ({@code WHARF_GC_LINK_GRACE}); the grace when not set. A push in progress links its blobs before
     * its manifest arrives: this is the time it has. Tests of blob collection races set the grace to 0
     * and keep this one.
     */
    Optional<Duration> linkGrace();

    /** The link grace in effect. */
    default Duration effectiveLinkGrace() {
        return linkGrace().orElse(grace());
    }

    /**
     * When scheduled runs start: a Quarkus cron expression (seconds first, e.g. {@code 0 0 3 * * ?}
     * for 03:00 every day), or {@code off}. Read by the scheduler as {@code ${wharf.gc.schedule}}.
     */
    @WithDefault("0 0 3 * * ?")
    String schedule();

    /** Blobs handled per batch (one transaction each); a stop is looked at between batches. */
    @WithDefault("500")
    int batchSize();
}
