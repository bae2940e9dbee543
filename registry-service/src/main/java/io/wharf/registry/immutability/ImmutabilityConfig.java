package io.wharf.registry.immutability;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tag immutability ({@code wharf.immutability.*}). */
@ConfigMapping(prefix = "wharf.immutability")
public interface ImmutabilityConfig {

    /**
     * How long an instance keeps a project's rules in memory. The instance that changes a rule applies it
     * at once; other instances as soon as they hear of it (within a second), at the latest after this time.
     */
    @WithDefault("5s")
    Duration cacheTtl();
}
