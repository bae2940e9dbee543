package io.wharf.registry.search;

import java.time.Instant;

/**
 * One search result. Which fields are set depends on the kind: a project has {@code name},
 * {@code isPublic}, {@code verifiedPublisher} and {@code repositoryCount}; a repository has
 * {@code name} (project/name), {@code project}, {@code description}, the badges,
 * {@code pushedAt}, {@code pullCount} and {@code tagCount}; a tag has {@code repository},
 * {@code tag}, {@code digest} and {@code pushedAt}.
 */
public record SearchHit(SearchQuery.Kind kind, String name, String project, String description, boolean official,
        boolean verifiedPublisher, boolean isPublic, Instant pushedAt, long pullCount, long tagCount, long repositoryCount,
        String repository, String tag, String digest) {
}
