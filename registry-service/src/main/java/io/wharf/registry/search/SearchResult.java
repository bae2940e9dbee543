package io.wharf.registry.search;

import java.util.List;

/** A page of search results and how many there are in all. */
public record SearchResult(long total, List<SearchHit> hits) {
}
