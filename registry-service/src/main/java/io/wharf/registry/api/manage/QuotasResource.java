package io.wharf.registry.api.manage;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.quota.QuotaService;

/** Every project's quota and usage, for system administrators: HTTP mapping over {@link QuotaService}. */
@Path("/api/v1/quotas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "quotas")
public class QuotasResource {

    /** What recomputing usage found: the projects whose usage was wrong (and is now right). */
    public record Recomputed(List<String> corrected) {
    }

    private final QuotaService quotas;

    public QuotasResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    @GET
    @Operation(summary = "Every project's quota and usage, fullest first (system admins)")
    public Uni<List<QuotaService.Usage>> list() {
        return quotas.list();
    }

    @POST
    @Path("/recompute")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Recompute every project's usage from the stored blobs and manifests, repairing drift (system admins)")
    public Uni<Recomputed> recompute() {
        return quotas.recompute().map(Recomputed::new);
    }
}
