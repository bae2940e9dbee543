package io.wharf.registry.gc;

import java.time.Duration;

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
     * When scheduled runs start: a Quarkus cron expression (seconds first, e.g. {@code 0 0 3 * * ?}
     * for 03:00 every day), or {@code off}. Read by the scheduler as {@code ${wharf.gc.schedule}}.
     */
    @WithDefault("0 0 3 * * ?")
    String schedule();

    /** Blobs handled per batch (one transaction each); a stop is looked at between batches. */
    @WithDefault("500")
    int batchSize();
}
