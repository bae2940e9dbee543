package io.wharf.registry.api.manage;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.immutability.ImmutabilityRule;
import io.wharf.registry.immutability.ImmutabilityRuleService;
import io.wharf.registry.immutability.override.BreakGlassService;

/**
 * Tag immutability of a project: its rules, and the system administrators' break-glass deletion of a tag
 * the rules protect. HTTP mapping over {@link ImmutabilityRuleService} and {@link BreakGlassService}.
 */
@Path("/api/v1/projects/{project}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tag immutability")
public class ImmutabilityResource {

    /** The only value of {@code override} the break-glass deletion accepts: the caller says what it overrides. */
    static final String OVERRIDE = "immutability";

    /**
     * A rule as the API shows it.
     *
     * @param repositories    repository patterns of the project ({@code acme/**})
     * @param repositoryMatch include (the rule covers what a pattern matches) or exclude (what none matches)
     * @param tags            tag patterns
     * @param tagMatch        include or exclude, as for repositories
     * @param summary         the rule in words, as refusals name it
     */
    public record RuleView(long id, String project, String description, boolean enabled, List<String> repositories,
            String repositoryMatch, List<String> tags, String tagMatch, String tagPatternSyntax, boolean includeSignatureTags,
            String summary, String createdBy, Instant createdAt, Instant updatedAt) {

        static RuleView of(ImmutabilityRule r) {
            return new RuleView(r.id(), r.project(), r.description(), r.enabled(), r.repositories(),
                    r.repositoriesExcluded() ? ImmutabilityRule.EXCLUDE : ImmutabilityRule.INCLUDE, r.tags(),
                    r.tagsExcluded() ? ImmutabilityRule.EXCLUDE : ImmutabilityRule.INCLUDE, r.syntax(), r.includeSignatureTags(),
                    r.summary(), r.createdBy(), r.createdAt(), r.updatedAt());
        }
    }

    private final ImmutabilityRuleService rules;
    private final BreakGlassService breakGlass;

    public ImmutabilityResource(ImmutabilityRuleService rules, BreakGlassService breakGlass) {
        this.rules = rules;
        this.breakGlass = breakGlass;
    }

    @GET
    @Path("/immutability-rules")
    @Operation(summary = "The project's tag immutability rules (project members)")
    public Uni<List<RuleView>> list(@RestPath String project) {
        return rules.list(project).map(all -> all.stream().map(RuleView::of).toList());
    }

    @POST
    @Path("/immutability-rules")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a rule: tags it matches can no longer be moved or deleted (project admins). "
            + "Repository patterns are full names in the project (default: every repository, project/**); "
            + "tag patterns are globs or, with tagPatternSyntax regex, RE2 regexes; each list may include or exclude; "
            + "signature and attestation tags (sha256-*, *.sig, *.att) are exempt unless includeSignatureTags")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> create(@RestPath String project, ImmutabilityRuleService.RuleRequest body) {
        return rules.create(project, body).map(r -> Response.status(201).entity(RuleView.of(r)).build());
    }

    @PUT
    @Path("/immutability-rules/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a rule (project admins); fields left out take their defaults")
    public Uni<RuleView> update(@RestPath String project, @RestPath long id, ImmutabilityRuleService.RuleRequest body) {
        return rules.update(project, id, body).map(RuleView::of);
    }

    @DELETE
    @Path("/immutability-rules/{id}")
    @Operation(summary = "Delete a rule (project admins)")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> delete(@RestPath String project, @RestPath long id) {
        return rules.delete(project, id).map(done -> Response.noContent().build());
    }

    @DELETE
    @Path("/repositories/{name: .+}/tags/{tag}")
    @Operation(summary = "Break-glass: delete a tag whatever the immutability rules say, with override=immutability "
            + "(system administrators only; audited, and the tag.deleted event says reason break-glass). "
            + "Other tags are deleted through the registry API")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> deleteTag(@RestPath String project, @RestPath String name, @RestPath String tag, @RestQuery String override) {
        if (!OVERRIDE.equals(override)) {
            throw ApiException.badRequest("this deletion overrides tag immutability: say so with ?override=" + OVERRIDE
                    + " (delete other tags through the registry API, DELETE /v2/<name>/manifests/<tag>)");
        }
        return breakGlass.deleteTag(project, name, tag).map(done -> Response.noContent().build());
    }
}
