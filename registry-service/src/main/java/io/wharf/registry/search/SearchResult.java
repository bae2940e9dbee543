package io.wharf.registry.search;

import java.util.List;

/**
 * A page of search results and how many there are in all.
 *
 * @param total      how many results match, counted up to {@link SearchService#COUNT_LIMIT}
 * @param totalExact false when more than {@link SearchService#COUNT_LIMIT} match: then total is that limit
 * @param hits       the page
 */
public record SearchResult(long total, boolean totalExact, List<SearchHit> hits) {
}
