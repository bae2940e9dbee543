package io.wharf.registry.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the event query API ({@code GET /api/v1/events}) reads the event history. */
@ConfigMapping(prefix = "wharf.events.query")
public interface EventQueryConfig {

    /**
     * How many events may lie outside a time filter (before {@code since}, or at or after {@code until})
     * before a page is bounded in seq to the filter's range instead of walking past them (see
     * {@link EventQueryService}); 0 bounds every time-filtered page.
     */
    @WithDefault("1000")
    int seqBoundAfter();
}
