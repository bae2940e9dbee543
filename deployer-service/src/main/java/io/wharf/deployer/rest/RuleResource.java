package io.wharf.deployer.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.deployer.deployment.DeploymentService;
import io.wharf.deployer.deployment.DeploymentView;
import io.wharf.deployer.rule.RuleRequest;
import io.wharf.deployer.rule.RuleService;
import io.wharf.deployer.rule.RuleView;

/** Deploy rules: which pushes update which target; plus holds and manual rollbacks. */
@Path("/api/v1/rules")
@Authenticated
@Tag(name = "rules")
@SecurityRequirement(name = "bearer")
public class RuleResource {

    /** Body of a hold. */
    public record HoldRequest(@Size(max = 1024, message = "must be at most 1024 characters") String reason) {
    }

    /** Body of a manual rollback: a digest the rule deployed before. */
    public record RollbackRequest(String digest) {
    }

    private final RuleService rules;
    private final DeploymentService deployments;
    private final Access access;

    public RuleResource(RuleService rules, DeploymentService deployments, Access access) {
        this.rules = rules;
        this.deployments = deployments;
        this.access = access;
    }

    @GET
    @Operation(summary = "Rules the caller may see, optionally of one project")
    public Uni<List<RuleView>> list(@QueryParam("project") String project) {
        return rules.list(access, project);
    }

    @POST
    @Operation(summary = "Create a rule naming a target granted to its project and a workload inside the grant")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> create(@Valid RuleRequest request) {
        return rules.create(access, request)
                .map(view -> Response.created(URI.create("/api/v1/rules/" + view.id())).entity(view).build());
    }

    @GET
    @Path("/{id}")
    public Uni<RuleView> get(UUID id) {
        return rules.get(access, id);
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a rule's definition")
    public Uni<RuleView> replace(UUID id, @Valid RuleRequest request) {
        return rules.replace(access, id, request);
    }

    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> delete(UUID id) {
        return rules.delete(access, id).map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/hold")
    @Operation(summary = "Hold the rule: automatic deployments are skipped until released")
    public Uni<RuleView> hold(UUID id, @Valid HoldRequest request) {
        return rules.hold(access, id, request == null ? null : request.reason());
    }

    @DELETE
    @Path("/{id}/hold")
    @Operation(summary = "Release the rule's hold")
    public Uni<RuleView> release(UUID id) {
        return rules.release(access, id);
    }

    @POST
    @Path("/{id}/rollback")
    @Operation(summary = "Deploy a digest the rule deployed before; holds the rule so automation keeps it")
    @APIResponse(responseCode = "202", description = "Accepted")
    public Uni<Response> rollback(UUID id, RollbackRequest request) {
        return deployments.rollback(access, id, request == null ? null : request.digest())
                .map(view -> Response.accepted(view).build());
    }
}
