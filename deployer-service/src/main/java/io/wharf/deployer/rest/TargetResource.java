package io.wharf.deployer.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
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
import io.wharf.deployer.rule.TargetRequest;
import io.wharf.deployer.rule.TargetService;
import io.wharf.deployer.rule.TargetView;

/**
 * Deploy targets: where rules may deploy, defined by system administrators and granted to projects
 * within bounds. Project members read the targets their projects may use, without endpoint or settings.
 */
@Path("/api/v1/targets")
@Authenticated
@Tag(name = "targets")
@SecurityRequirement(name = "bearer")
public class TargetResource {

    private final TargetService targets;
    private final Access access;

    public TargetResource(TargetService targets, Access access) {
        this.targets = targets;
        this.access = access;
    }

    @GET
    @Operation(summary = "Targets the caller may see: all for system administrators; for members, those granted to their projects (or to project)")
    public Uni<List<TargetView>> list(@QueryParam("project") String project) {
        return targets.list(access, project);
    }

    @POST
    @Operation(summary = "Create a target (system administrators); a generated or given hook secret is in this answer only")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> create(@Valid TargetRequest request) {
        return targets.create(access, request)
                .map(view -> Response.created(URI.create("/api/v1/targets/" + view.id())).entity(view).build());
    }

    @GET
    @Path("/{id}")
    public Uni<TargetView> get(UUID id) {
        return targets.get(access, id);
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a target (system administrators); a masked credential is kept only while the endpoint stays the same")
    public Uni<TargetView> replace(UUID id, @Valid TargetRequest request) {
        return targets.replace(access, id, request);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a target no rule names (system administrators)")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> delete(UUID id) {
        return targets.delete(access, id).map(ignored -> Response.noContent().build());
    }
}
