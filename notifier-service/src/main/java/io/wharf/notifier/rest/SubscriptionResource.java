package io.wharf.notifier.rest;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
import io.wharf.notifier.delivery.Delivery;
import io.wharf.notifier.delivery.DeliveryService;
import io.wharf.notifier.delivery.DeliveryView;
import io.wharf.notifier.subscription.SubscriptionRequest;
import io.wharf.notifier.subscription.SubscriptionService;
import io.wharf.notifier.subscription.SubscriptionView;

/** Subscriptions: who hears about which registry events, and how; plus each one's delivery log. */
@Path("/api/v1/subscriptions")
@Authenticated
@Tag(name = "subscriptions")
@SecurityRequirement(name = "bearer")
public class SubscriptionResource {

    private final SubscriptionService service;
    private final DeliveryService deliveries;
    private final Access access;

    public SubscriptionResource(SubscriptionService service, DeliveryService deliveries, Access access) {
        this.service = service;
        this.deliveries = deliveries;
        this.access = access;
    }

    @GET
    @Operation(summary = "Subscriptions the caller may see, optionally of one project")
    public Uni<List<SubscriptionView>> list(@QueryParam("project") String project) {
        return service.list(access, project);
    }

    @POST
    @Operation(summary = "Create a subscription; a webhook's signing secret is in this answer only")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> create(@Valid SubscriptionRequest request) {
        return service.create(access, request)
                .map(view -> Response.created(URI.create("/api/v1/subscriptions/" + view.id())).entity(view).build());
    }

    @GET
    @Path("/{id}")
    public Uni<SubscriptionView> get(UUID id) {
        return service.get(access, id);
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a subscription's definition; enabled=true re-enables a disabled one")
    public Uni<SubscriptionView> replace(UUID id, @Valid SubscriptionRequest request) {
        return service.replace(access, id, request);
    }

    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> delete(UUID id) {
        return service.delete(access, id).map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/secret")
    @Operation(summary = "Rotate the webhook signing secret; the old one keeps signing during the overlap")
    public Uni<SubscriptionView> rotateSecret(UUID id) {
        return service.rotateSecret(access, id);
    }

    @POST
    @Path("/{id}/test")
    @Operation(summary = "Send a made-up artifact.pushed event to this subscription")
    @APIResponse(responseCode = "202", description = "Accepted")
    public Uni<Response> sendTest(UUID id) {
        return deliveries.sendTest(access, id).map(view -> Response.accepted(view).build());
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The subscription's deliveries, newest first")
    public Uni<List<DeliveryView>> deliveries(UUID id, @QueryParam("state") Delivery.State state,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return deliveries.deliveries(access, id, state, limit);
    }

    @POST
    @Path("/{id}/deliveries/redeliver")
    @Operation(summary = "Redeliver everything dead-lettered for this subscription")
    @APIResponse(responseCode = "202", description = "Accepted")
    public Uni<Response> redeliverDead(UUID id) {
        return deliveries.redeliverDead(access, id).map(count -> Response.accepted(Map.of("redelivered", count)).build());
    }
}
