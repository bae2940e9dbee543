package io.wharf.registry.events;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Bounds of the live tail ({@code GET /api/v1/events/stream}): how many streams may be open at
 * once, how much a slow reader may fall behind, and how soon a stream sees a change of access.
 */
@ConfigMapping(prefix = "wharf.events.stream")
public interface StreamConfig {

    /** Most streams one account or robot may hold open on this instance (anonymous callers count per address only). */
    @WithDefault("5")
    int maxPerCaller();

    /** Most streams one client address may hold open on this instance (an IPv6 address counts as its /64). */
    @WithDefault("10")
    int maxPerAddress();

    /** Most streams open on this instance in all. */
    @WithDefault("500")
    int maxTotal();

    /** What a refused stream is told to wait before trying again ({@code Retry-After}). */
    @WithDefault("30s")
    Duration retryAfter();

    /**
     * Events one stream may have waiting while its reader does not keep up; a stream that falls
     * further behind is ended (the client reconnects and reads what it missed from the history).
     */
    @WithDefault("256")
    int buffer();

    /**
     * How often every open stream's access is evaluated again (membership, project visibility): a
     * stream that lost a project it could read ends. A change made on another instance reaches this
     * instance's policy cache within a second ({@code wharf.auth.policy-cache-ttl} at the latest), which adds to this.
     */
    @WithDefault("2s")
    Duration recheckInterval();
}
