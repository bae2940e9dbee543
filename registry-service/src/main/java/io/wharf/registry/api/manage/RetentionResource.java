package io.wharf.registry.api.manage;

import java.util.List;

import jakarta.ws.rs.Consumes;
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
import io.wharf.registry.retention.RetentionPolicy;
import io.wharf.registry.retention.RetentionRule;
import io.wharf.registry.retention.RetentionService;
import io.wharf.registry.retention.RetentionStore;

/**
 * A project's retention: keep-rules, schedule and untagged cleanup, and its runs with their reports.
 * Members read; project admins and system admins change the policy and run it.
 */
@Path("/api/v1/projects/{project}/retention")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "retention")
public class RetentionResource {

    /**
     * A policy as sent: rules (what to keep, see the docs of each kind), a cron schedule (null: never on its
     * own), whether untagged manifests are deleted and after how many hours.
     */
    public record PolicyBody(List<RetentionRule> rules, String schedule, Boolean deleteUntagged, Integer untaggedGraceHours) {
    }

    /** A run request: {@code dryRun} must be said; {@code kind} is retention (default) or untagged. */
    public record RunRequest(Boolean dryRun, String kind) {
    }

    private final RetentionService retention;

    public RetentionResource(RetentionService retention) {
        this.retention = retention;
    }

    @GET
    @Operation(summary = "The project's retention policy (members)")
    public Uni<RetentionPolicy> policy(@RestPath String project) {
        return retention.policy(project);
    }

    @PUT
    @Operation(summary = "Replace the project's retention policy: keep-rules, schedule, untagged cleanup (project admins)")
    public Uni<RetentionPolicy> setPolicy(@RestPath String project, PolicyBody body) {
        if (body == null) {
            throw ApiException.badRequest("a body is required: {\"rules\": [...], \"schedule\": ..., \"deleteUntagged\": ...}");
        }
        return retention.setPolicy(project, body.rules(), body.schedule(), body.deleteUntagged(), body.untaggedGraceHours());
    }

    @POST
    @Path("/runs")
    @Operation(summary = "Run retention (or untagged cleanup) now; a dry run deletes nothing and reports what would go (project admins)")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> run(@RestPath String project, RunRequest body) {
        if (body == null || body.dryRun() == null) {
            throw ApiException.badRequest("dryRun is required: {\"dryRun\": true} reports, {\"dryRun\": false} deletes");
        }
        return retention.run(project, body.kind(), body.dryRun()).map(run -> Response.status(201).entity(run).build());
    }

    @GET
    @Path("/runs")
    @Operation(summary = "The project's runs, newest first, without reports (members)")
    public Uni<List<RetentionStore.Run>> runs(@RestPath String project, @RestQuery String limit) {
        return retention.runs(project, SearchParams.number("limit", limit, 20, 1, 100));
    }

    @GET
    @Path("/runs/{id}")
    @Operation(summary = "One run with its report: per repository, each artifact and tag KEEP or DELETE and what decided (members)")
    public Uni<RetentionStore.Run> run(@RestPath String project, @RestPath String id) {
        long runId;
        try {
            runId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("retention run " + id);
        }
        return retention.run(project, runId);
    }
}
