package io.wharf.registry.retention;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Retention and untagged cleanup ({@code wharf.retention.*}). */
@ConfigMapping(prefix = "wharf.retention")
public interface RetentionConfig {

    /** How often each instance looks for scheduled retention runs that are due (a due run starts on one instance only). */
    @WithDefault("60s")
    Duration checkInterval();

    /** How often untagged cleanup runs on its own in projects that delete untagged manifests (the GC run also calls it first). */
    @WithDefault("1h")
    Duration untaggedInterval();
}
