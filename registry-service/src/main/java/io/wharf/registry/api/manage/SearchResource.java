package io.wharf.registry.api.manage;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.search.SearchHit;
import io.wharf.registry.search.SearchQuery;
import io.wharf.registry.search.SearchService;
import io.wharf.registry.search.Viewer;

/** Search over projects, repositories and tags the caller may pull from. */
@Path("/api/v1/search")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "search")
public class SearchResource {

    /**
     * A page of results; each item is a {@link ProjectItem}, {@link RepositoryItem} or {@link TagItem}. Matches are
     * counted up to 10 000 (no result past those is served either): when more match, total is 10 000 and totalExact false.
     */
    public record SearchPage(String query, int page, int pageSize, long total, boolean totalExact, List<Object> items) {
    }

    public record ProjectItem(String kind, String name, @JsonProperty("public") boolean isPublic, boolean official,
            boolean verifiedPublisher, long repositoryCount) {
    }

    public record RepositoryItem(String kind, String name, String project, String description, boolean official,
            boolean verifiedPublisher, Instant pushedAt, long pullCount, long tagCount) {
    }

    public record TagItem(String kind, String repository, String project, String tag, String digest, Instant pushedAt,
            long pullCount, boolean official, boolean verifiedPublisher) {
    }

    private final CallerAccess access;
    private final AccessPolicy policy;
    private final SearchService search;

    public SearchResource(CallerAccess access, AccessPolicy policy, SearchService search) {
        this.access = access;
        this.policy = policy;
        this.search = search;
    }

    @GET
    @Operation(summary = "Search projects, repositories and tags: exact name matches first, then prefix, then similarity and description words")
    public Uni<SearchPage> search(@RestQuery String q, @RestQuery String kind, @RestQuery String project, @RestQuery String official,
            @RestQuery String verified, @RestQuery String pushedSince, @RestQuery String tag, @RestQuery String page,
            @RestQuery String pageSize) {
        String text = SearchParams.text(q);
        int p = SearchParams.number("page", page, 1, 1, Integer.MAX_VALUE);
        int size = SearchParams.number("pageSize", pageSize, 25, 1, SearchParams.MAX_PAGE_SIZE);
        SearchParams.checkDepth(p, size);
        SearchQuery query = new SearchQuery(text, SearchParams.kinds(kind), SearchParams.project(project),
                SearchParams.bool("official", official), SearchParams.bool("verified", verified),
                SearchParams.instant("pushedSince", pushedSince), SearchParams.tagGlob(tag), p, size);
        return Viewer.of(access.caller(), policy).chain(viewer -> search.search(query, viewer))
                .map(result -> new SearchPage(text, p, size, result.total(), result.totalExact(),
                        result.hits().stream().map(SearchResource::item).toList()));
    }

    static Object item(SearchHit h) {
        return switch (h.kind()) {
            case PROJECT -> new ProjectItem("project", h.name(), h.isPublic(), h.official(), h.verifiedPublisher(), h.repositoryCount());
            case REPOSITORY -> new RepositoryItem("repository", h.name(), h.project(), h.description(), h.official(), h.verifiedPublisher(),
                    h.pushedAt(), h.pullCount(), h.tagCount());
            case TAG -> new TagItem("tag", h.repository(), h.project(), h.tag(), h.digest(), h.pushedAt(), h.pullCount(), h.official(),
                    h.verifiedPublisher());
        };
    }
}
