package io.wharf.deployer.rest;

import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.deployer.deployment.DeploymentService;
import io.wharf.deployer.deployment.DeploymentView;

/** The deployment history, and approving or rejecting deployments that wait for approval. */
@Path("/api/v1/deployments")
@Authenticated
@Tag(name = "deployments")
@SecurityRequirement(name = "bearer")
public class DeploymentResource {

    private final DeploymentService deployments;
    private final Access access;
    private final JsonWebToken token;

    public DeploymentResource(DeploymentService deployments, Access access, JsonWebToken token) {
        this.deployments = deployments;
        this.access = access;
        this.token = token;
    }

    @GET
    @Operation(summary = "Deployments the caller may see, newest first; pass nextCursor as cursor for the next page")
    public Uni<DeploymentService.Page> list(@QueryParam("rule") UUID rule, @QueryParam("project") String project,
            @QueryParam("repository") String repository, @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("cursor") String cursor) {
        return deployments.list(access, rule, project, repository, state, limit, cursor);
    }

    @GET
    @Path("/{id}")
    public Uni<DeploymentView> get(UUID id) {
        return deployments.get(access, id);
    }

    @POST
    @Path("/{id}/approvals")
    @Operation(summary = "Approve the deployment as the caller (one approval per user)", description = "Needs the role"
            + " to manage the project as the registry knows it now (asked with the caller's token), not only as the token"
            + " says; the person whose push triggered the deployment may not approve it (403). 503 while the registry"
            + " cannot answer: nothing is approved then.")
    public Uni<DeploymentView> approve(UUID id) {
        return deployments.approve(access, token.getRawToken(), id);
    }

    @POST
    @Path("/{id}/reject")
    @Operation(summary = "Reject a deployment that has not started")
    public Uni<DeploymentView> reject(UUID id) {
        return deployments.reject(access, id);
    }
}
