package io.wharf.registry.api.manage;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;
import io.wharf.registry.audit.AuditPage;
import io.wharf.registry.audit.AuditQuery;
import io.wharf.registry.audit.AuditQueryService;
import io.wharf.registry.audit.AuditScope;
import io.wharf.registry.audit.InvalidAuditQueryException;
import io.wharf.registry.identity.AuditTrail;

/**
 * The audit log, {@code GET /api/v1/audit}: a page of JSON, or with {@code Accept: text/csv} (or
 * {@code ?format=csv}, see {@link AuditFormat}) every matching entry as CSV, streamed. Translates HTTP only.
 */
@Path(AuditResource.PATH)
@Tag(name = "Audit", description = "Who did what: sign-ins, tokens, accounts, members, robots, projects, limits, and the pipeline's changes")
public class AuditResource {

    static final String PATH = "/api/v1/audit";
    static final String CSV = "text/csv";

    private final AuditTrail trail;
    private final AuditQueryService audit;

    public AuditResource(AuditTrail trail, AuditQueryService audit) {
        this.trail = trail;
        this.audit = audit;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List audit entries",
            description = "Entries matching every given filter, newest first, one page at a time. Follow `next` (also sent as a "
                    + "Link header with rel=next) to read on; the last page has no `next`. System administrators read every "
                    + "entry; a project's administrators read the entries of their projects. With `Accept: text/csv` or "
                    + "`format=csv`, every matching entry is exported as CSV instead, streamed (a cursor still applies as the start).")
    @APIResponse(responseCode = "200", description = "A page of entries, or the CSV export",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditPage.class)),
                    @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING))})
    @APIResponse(responseCode = "400", description = "A filter, the cursor or the limit is invalid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "Neither a system administrator nor an administrator of the project asked for")
    public Uni<Response> list(
            @Parameter(description = "Entries by this user or robot") @RestQuery String actor,
            @Parameter(description = "An action (member.added), or a prefix ending in . or * (member.)") @RestQuery String action,
            @Parameter(description = "Entries of this project") @RestQuery String project,
            @Parameter(description = "Entries at or after this time (RFC 3339)") @RestQuery String from,
            @Parameter(description = "Entries before this time (RFC 3339)") @RestQuery String to,
            @Parameter(description = "Opaque cursor from a previous page's next") @RestQuery String cursor,
            @Parameter(description = "Page size, 1 to 500", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "50"))
            @RestQuery String limit,
            @Parameter(description = "csv to export CSV (as Accept: text/csv does)") @RestQuery String format,
            UriInfo uri) {
        AuditQuery query = AuditQuery.parse(actor, action, project, from, to, cursor, limit);
        return trail.readable(query.project()).chain(scope -> audit.page(query, scope)).map(page -> {
            Response.ResponseBuilder ok = Response.ok(page);
            if (page.next() != null) {
                ok.links(Link.fromUriBuilder(uri.getRequestUriBuilder().replaceQueryParam("cursor", page.next())).rel("next").build());
            }
            return ok.build();
        });
    }

    @GET
    @Produces(CSV)
    @Blocking
    @Operation(hidden = true)
    public Response export(@RestQuery String actor, @RestQuery String action, @RestQuery String project, @RestQuery String from,
            @RestQuery String to, @RestQuery String cursor, @RestQuery String limit) {
        AuditQuery query = AuditQuery.parse(actor, action, project, from, to, cursor, limit);
        AuditScope scope = trail.readable(query.project()).await().indefinitely();
        StreamingOutput body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            audit.exportCsv(query, scope, writer);
            writer.flush();
        };
        return Response.ok(body, CSV + ";charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"wharf-audit.csv\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    /** 400 {@code INVALID_QUERY}, naming the query parameter in {@code errors}. */
    @ServerExceptionMapper
    Response invalidQuery(InvalidAuditQueryException e) {
        return ProblemResponse.of(Problem.of(400, "INVALID_QUERY", e.getMessage())
                .withErrors(List.of(new Problem.FieldError(e.parameter(), e.getMessage()))));
    }
}
