package io.wharf.notifier.rest;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.notifier.delivery.DeliveryService;
import io.wharf.notifier.delivery.DeliveryView;

/** One delivery: its attempt log, and redelivery. */
@Path("/api/v1/deliveries")
@Authenticated
@Tag(name = "deliveries")
@SecurityRequirement(name = "bearer")
public class DeliveryResource {

    private final DeliveryService service;
    private final Access access;

    public DeliveryResource(DeliveryService service, Access access) {
        this.service = service;
        this.access = access;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A delivery with every attempt: time, status code, latency, response excerpt")
    public Uni<DeliveryView> get(UUID id) {
        return service.delivery(access, id);
    }

    @POST
    @Path("/{id}/redeliver")
    @Operation(summary = "Send this delivery again")
    @APIResponse(responseCode = "202", description = "Accepted")
    public Uni<Response> redeliver(UUID id) {
        return service.redeliver(access, id).map(view -> Response.accepted(view).build());
    }
}
