package io.wharf.registry.quota;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Per-project quotas, under {@code wharf.quota}. */
@ConfigMapping(prefix = "wharf.quota")
public interface QuotaConfig {

    /**
     * The storage limit a new project starts with: a size such as {@code 10GiB}, {@code 500MB} or a
     * number of bytes, or {@code none} (no limit). Projects that exist keep theirs when this changes.
     */
    @WithDefault("none")
    String defaultStorage();

    /** The usage, in percent of the storage limit, past which a push records {@code quota.warning} (once per crossing). */
    @WithDefault("85")
    int warningPercent();

    /**
     * How long an instance remembers that a project has no quota (pushes into it then skip every
     * check). A quota set through this instance is enforced here at once; through another instance, as
     * soon as this one hears of it (within a second), at the latest after this long.
     */
    @WithDefault("10s")
    Duration cacheTtl();

    /** At most one {@code quota.exceeded} event per project and instance in this interval (a refused push is retried chunk by chunk). */
    @WithDefault("1m")
    Duration exceededEventInterval();
}
