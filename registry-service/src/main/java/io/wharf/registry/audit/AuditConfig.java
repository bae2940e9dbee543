package io.wharf.registry.audit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The audit log's settings ({@code wharf.audit.*}). */
@ConfigMapping(prefix = "wharf.audit")
public interface AuditConfig {

    /**
     * How long entries are kept. Entries go a whole month at a time: a month's partition is dropped
     * once its last day is older than this, so an entry stays up to a month longer.
     */
    @WithDefault("400d")
    Duration retention();

    /** How often the monthly partitions are prepared ahead and old ones dropped. */
    @WithDefault("24h")
    Duration maintenanceInterval();
}
