package io.wharf.registry.api;

import java.util.List;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.registry.api.manage.SearchParams;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.AccessToken;
import io.wharf.registry.auth.AuthConfig;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.ClientAddress;
import io.wharf.registry.auth.InvalidTokenException;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Tokens;
import io.wharf.registry.search.SearchQuery;
import io.wharf.registry.search.SearchService;
import io.wharf.registry.search.Viewer;

/**
 * The two Docker Registry v1 endpoints {@code docker search} and {@code podman search} call:
 * {@code GET /v1/_ping} and {@code GET /v1/search?q=&n=&page=}, answered in the format the docker
 * CLI reads. Results are repositories only, ranked as {@code /api/v1/search} ranks them, and only
 * those the caller may pull. Callers are who their credentials say: none (anonymous: public
 * projects), {@code Basic} (password, personal access or robot token) or {@code Bearer} (a registry
 * token from {@code /token}, which docker fetches with scope {@code registry:catalog:search} after
 * {@code docker login}, or an API token). Credentials that do not check out get 401 with the
 * registry's Bearer challenge.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "docker search")
public class DockerSearchRoutes {

    /** What docker reads from each result. */
    public record DockerResult(String name, String description, @JsonProperty("star_count") long starCount,
            @JsonProperty("is_official") boolean official, @JsonProperty("is_automated") boolean automated) {
    }

    public record DockerSearchPage(String query, @JsonProperty("num_results") long numResults, @JsonProperty("num_pages") long numPages,
            int page, @JsonProperty("page_size") int pageSize, List<DockerResult> results) {
    }

    private final SearchService search;
    private final AccessPolicy policy;
    private final Authenticator authenticator;
    private final Tokens tokens;
    private final RegistryGuard guard;
    private final AuthConfig config;

    public DockerSearchRoutes(SearchService search, AccessPolicy policy, Authenticator authenticator, Tokens tokens, RegistryGuard guard,
            AuthConfig config) {
        this.search = search;
        this.policy = policy;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.guard = guard;
        this.config = config;
    }

    @GET
    @Path("/_ping")
    @Operation(summary = "Docker v1 ping: the registry answers v1 search")
    public Response ping() {
        return Response.ok("{}").header("X-Docker-Registry-Standalone", "true").build();
    }

    @GET
    @Path("/search")
    @Operation(summary = "Docker v1 search over repositories the caller may pull")
    public Uni<Response> search(@RestQuery String q, @RestQuery String n, @RestQuery String page,
            @HeaderParam("Authorization") String authorization, HttpServerRequest request) {
        String text = SearchParams.text(q);
        int size = SearchParams.number("n", n, 25, 1, SearchParams.MAX_PAGE_SIZE);
        int p = SearchParams.number("page", page, 1, 1, Integer.MAX_VALUE);
        SearchParams.checkDepth(p, size);
        SearchQuery query = new SearchQuery(text, Set.of(SearchQuery.Kind.REPOSITORY), null, null, null, null, null, p, size);
        return caller(authorization, ClientAddress.of(request)).chain(principal -> {
            if (principal == null) {
                return Uni.createFrom().item(ProblemResponse.builder(Problem.of(401, Problem.UNAUTHORIZED, "invalid credentials"))
                        .header("WWW-Authenticate", "Bearer realm=\"" + guard.realm(request) + "\",service=\"" + config.service()
                                + "\",scope=\"registry:catalog:search\"")
                        .build());
            }
            return Viewer.of(principal, policy).chain(viewer -> search.search(query, viewer)).map(result -> {
                List<DockerResult> results = result.hits().stream().map(h -> new DockerResult(h.name(),
                        h.description() == null ? "" : h.description(), 0, h.official(), false)).toList();
                long pages = (result.total() + size - 1) / size;
                return Response.ok(new DockerSearchPage(text, result.total(), pages, p, size, results)).build();
            });
        });
    }

    /** Who the Authorization header proves; anonymous without one; null when it proves nothing. */
    private Uni<Principal> caller(String header, String address) {
        if (header == null || header.isBlank()) {
            return Uni.createFrom().item(Principal.ANONYMOUS);
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            // Either token counts only while what it was made with holds.
            try {
                AccessToken access = tokens.verifyAccess(token);
                return authenticator.stillBound(access).map(holds -> holds ? access.principal() : null);
            } catch (InvalidTokenException notRegistryToken) {
                try {
                    return authenticator.bound(tokens.verify(token, Tokens.API_AUDIENCE)).map(a -> a == null ? null : a.principal());
                } catch (InvalidTokenException e) {
                    return Uni.createFrom().nullItem();
                }
            }
        }
        String[] basic = Authenticator.parseBasic(header);
        if (basic == null) {
            return Uni.createFrom().nullItem();
        }
        return authenticator.password(basic[0], basic[1], address).map(a -> a == null ? null : a.principal());
    }
}
