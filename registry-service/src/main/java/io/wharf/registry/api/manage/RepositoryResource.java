package io.wharf.registry.api.manage;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.search.RepositoryDetails;

/**
 * A repository's page: description, README, badges, pulls and tags with digests, sizes and
 * platforms. Readable by whoever may pull from its project (others get 404, as for the project);
 * description and README are set by project admins, maintainers and system admins.
 */
@Path("/api/v1/repositories/{project}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "repositories")
public class RepositoryResource {

    static final int MAX_DESCRIPTION = 1000;
    /** The largest README, checked before its body is read ({@link ApiBodyLimits}). */
    static final int MAX_README_BYTES = 256 * 1024;

    public record RepositoryView(String name, String project, String description, String readme, boolean official,
            boolean verifiedPublisher, @JsonProperty("public") boolean isPublic, long pullCount, Instant pushedAt, long tagCount,
            List<RepositoryDetails.TagDetail> tags) {
    }

    public record RepositoryUpdate(String description) {
    }

    private final CallerAccess access;
    private final RepositoryDetails details;

    public RepositoryResource(CallerAccess access, RepositoryDetails details) {
        this.access = access;
        this.details = details;
    }

    @GET
    @Path("/{name: .+}")
    @Operation(summary = "A repository with its tags (most recently pushed first, up to tagLimit, default 100)")
    public Uni<RepositoryView> get(@RestPath String project, @RestPath String name, @RestQuery String tagLimit) {
        int limit = SearchParams.number("tagLimit", tagLimit, 100, 1, 1000);
        String repository = project + "/" + name;
        return access.project(project, CallerAccess::sees).chain(() -> details.find(repository, limit)).map(d -> {
            if (d == null) {
                throw ApiException.notFound("repository " + repository);
            }
            return new RepositoryView(d.name(), d.project(), d.description(), d.readme(), d.official(), d.verifiedPublisher(),
                    d.isPublic(), d.pullCount(), d.pushedAt(), d.tagCount(), d.tags());
        });
    }

    @PATCH
    @Path("/{name: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the short description (project admins, maintainers, system admins)")
    public Uni<RepositoryView> update(@RestPath String project, @RestPath String name, RepositoryUpdate body) {
        if (body == null || body.description() == null) {
            throw ApiException.badRequest("body must be {\"description\": \"...\"}");
        }
        if (body.description().length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description must be at most " + MAX_DESCRIPTION + " characters");
        }
        String repository = project + "/" + name;
        return access.project(project, CallerAccess::managesAutomation)
                .chain(() -> details.describe(repository, body.description().isBlank() ? null : body.description()))
                .chain(found -> {
                    if (!found) {
                        throw ApiException.notFound("repository " + repository);
                    }
                    return get(project, name, null);
                });
    }

    @PUT
    @Path("/{name: .+}/readme")
    @Consumes({"text/markdown", MediaType.TEXT_PLAIN})
    @Operation(summary = "Replace the README, markdown of at most 256 KiB (project admins, maintainers, system admins)")
    public Uni<RepositoryView> readme(@RestPath String project, @RestPath String name, byte[] body) {
        if (body == null || body.length > MAX_README_BYTES) {
            throw new ApiException(413, "TOO_LARGE", "the README must be at most " + MAX_README_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the README must be UTF-8 text");
        }
        String repository = project + "/" + name;
        return access.project(project, CallerAccess::managesAutomation)
                .chain(() -> details.setReadme(repository, text.isBlank() ? null : text))
                .chain(found -> {
                    if (!found) {
                        throw ApiException.notFound("repository " + repository);
                    }
                    return get(project, name, null);
                });
    }
}
