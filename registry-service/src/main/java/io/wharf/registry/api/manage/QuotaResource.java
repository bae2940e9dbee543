package io.wharf.registry.api.manage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;
import io.wharf.problem.Problem;
import io.wharf.registry.quota.QuotaService;

/** A project's quota and usage: HTTP mapping over {@link QuotaService} (every project's: {@link QuotasResource}). */
@Path("/api/v1/projects/{project}/quota")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "quotas")
public class QuotaResource {

    /**
     * A quota to set. {@code storageLimit}: bytes as a number, or a size such as {@code "10GiB"} or
     * {@code "500MB"}; null or {@code "none"}: unlimited. {@code artifactLimit}: manifests; null: unlimited.
     */
    public record QuotaUpdate(@Size(max = 40, message = "must be a size such as 10GiB, a number of bytes, or none") String storageLimit,
                              @Min(value = 0, message = "must not be negative, or null for unlimited") Long artifactLimit) {
    }

    private final QuotaService quotas;

    public QuotaResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    @GET
    @Operation(summary = "The project's quota and usage (members of the project)")
    public Uni<QuotaService.Usage> get(@RestPath String project) {
        return quotas.get(project);
    }

    @PUT
    @Operation(summary = "Set the project's storage and artifact limits; null is unlimited (system admins)")
    public Uni<QuotaService.Usage> set(@RestPath String project, @NotNull(message = Problem.BODY_REQUIRED) @Valid QuotaUpdate body) {
        return quotas.set(project, body.storageLimit(), body.artifactLimit());
    }
}
