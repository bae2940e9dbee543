package io.wharf.registry.api.manage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;
import io.wharf.problem.Problem;
import io.wharf.registry.gc.GcService;
import io.wharf.registry.gc.GcService.GcRunPage;
import io.wharf.registry.gc.GcService.GcRunView;

/** Garbage collection of blobs, for system administrators: run now (or dry), history, stop. Translates HTTP only. */
@Path("/api/v1/gc")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "gc", description = "Garbage collection: blobs nothing links or references any more give their storage back")
public class GcResource {

    /** What to run: {@code dryRun} true only reports what a run would free. */
    public record GcRequest(@NotNull(message = "is required: true to only report what would be freed, false to free it") Boolean dryRun) {
    }

    private final GcService gc;

    public GcResource(GcService gc) {
        this.gc = gc;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a garbage collection now (system administrators)",
            description = "Starts a run and answers at once with it (status running); follow it with GET /api/v1/gc/{id}. A dry run "
                    + "changes nothing and reports how many blobs and bytes a run would free.")
    @APIResponse(responseCode = "202", description = "The run, started", content = @Content(schema = @Schema(implementation = GcRunView.class)))
    @APIResponse(responseCode = "400", description = "No body, or dryRun missing",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "Not a system administrator")
    @APIResponse(responseCode = "409", description = "A run is in progress (on any instance)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> start(@NotNull(message = Problem.BODY_REQUIRED) @Valid GcRequest body, UriInfo uri) {
        return gc.startManual(body.dryRun()).map(run -> Response.accepted(run)
                .location(uri.getBaseUriBuilder().path("/api/v1/gc/{id}").build(run.id())).build());
    }

    @GET
    @Operation(summary = "Garbage-collection runs, newest first (system administrators)",
            description = "One page at a time; follow `next` (also a Link header with rel=next) to read on.")
    @APIResponse(responseCode = "200", description = "A page of runs", content = @Content(schema = @Schema(implementation = GcRunPage.class)))
    @APIResponse(responseCode = "400", description = "Invalid limit or cursor")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "Not a system administrator")
    public Uni<Response> list(
            @Parameter(description = "Page size, 1 to 100", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "20")) @RestQuery String limit,
            @Parameter(description = "The next value of the previous page") @RestQuery String cursor,
            UriInfo uri) {
        int n = SearchParams.number("limit", limit, 20, 1, GcService.MAX_PAGE);
        return gc.list(cursor, n).map(page -> withNext(Response.ok(page), page.next(), uri));
    }

    /** The page, with its next page's address as a Link header (rel=next) when there is one. */
    private static Response withNext(Response.ResponseBuilder ok, String next, UriInfo uri) {
        return next == null ? ok.build()
                : ok.links(Link.fromUriBuilder(uri.getRequestUriBuilder().replaceQueryParam("cursor", next)).rel("next").build()).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One garbage-collection run (system administrators)")
    @APIResponse(responseCode = "200", description = "The run", content = @Content(schema = @Schema(implementation = GcRunView.class)))
    @APIResponse(responseCode = "404", description = "No such run")
    public Uni<GcRunView> get(@RestPath String id) {
        return gc.get(id);
    }

    @POST
    @Path("/{id}/stop")
    @Operation(summary = "Ask a running garbage collection to stop (system administrators)",
            description = "The run stops after its current batch, on whichever instance runs it; its status becomes stopped.")
    @APIResponse(responseCode = "202", description = "Stop requested", content = @Content(schema = @Schema(implementation = GcRunView.class)))
    @APIResponse(responseCode = "404", description = "No such run")
    @APIResponse(responseCode = "409", description = "The run is not running any more")
    public Uni<Response> stop(@RestPath String id) {
        return gc.stop(id).map(run -> Response.accepted(run).build());
    }
}
