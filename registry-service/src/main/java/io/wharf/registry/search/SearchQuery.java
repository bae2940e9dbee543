package io.wharf.registry.search;

import java.time.Instant;
import java.util.Set;

/**
 * A validated search request.
 *
 * @param text        what to look for, lower-cased; empty matches everything
 * @param kinds       which kinds of result to return
 * @param project     only results in this project (null: any)
 * @param official    only official (true) or only non-official (false) results; null: both
 * @param verified    only results of verified publishers (true) or only others (false); null: both
 * @param pushedSince only repositories pushed (and tags set) at or after this instant (null: any);
 *                    projects have no push time and are left out when it is given
 * @param tagGlob     only repositories having a tag that matches this {@link io.wharf.reference.Glob},
 *                    and only tags that match it; projects are left out when it is given
 * @param page        1-based page number
 * @param pageSize    results per page
 */
public record SearchQuery(String text, Set<SearchQuery.Kind> kinds, String project, Boolean official, Boolean verified,
        Instant pushedSince, String tagGlob, int page, int pageSize) {

    /** The kinds of result. */
    public enum Kind {
        PROJECT, REPOSITORY, TAG
    }

    public SearchQuery {
        kinds = Set.copyOf(kinds);
    }

    public long offset() {
        return (long) (page - 1) * pageSize;
    }
}
