package io.wharf.intake.rest;

import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.ForbiddenException;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.intake.ParkedEvent;
import io.wharf.intake.ParkedEventView;
import io.wharf.intake.ParkedEvents;
import io.wharf.problem.Problem;

/**
 * The registry events this service's intake parked, for system administrators: the list, newest first,
 * and a replay through the intake. Served by every service that includes event-intake (a bean archive,
 * so Quarkus finds this resource there).
 */
@Path("/api/v1/intake/parked")
@Authenticated
@Tag(name = "intake")
@SecurityRequirement(name = "bearer")
public class ParkedEventResource {

    private final ParkedEvents parked;
    private final Access access;

    public ParkedEventResource(ParkedEvents parked, Access access) {
        this.parked = parked;
        this.access = access;
    }

    @GET
    @Operation(summary = "Parked registry events, newest first (state parked or replayed; limit 1-200, default 50; before: an id, for the next page)")
    public Uni<List<ParkedEventView>> list(@QueryParam("state") String state, @QueryParam("before") String before,
            @QueryParam("limit") @DefaultValue("50") String limit) {
        requireAdmin();
        if (state != null && !state.equals(ParkedEvent.PARKED) && !state.equals(ParkedEvent.REPLAYED)) {
            throw new BadQuery("state", "must be " + ParkedEvent.PARKED + " or " + ParkedEvent.REPLAYED);
        }
        int size = number("limit", limit, 1, ParkedEvents.MAX_PAGE).intValue();
        Long below = before == null ? null : number("before", before, 1, Long.MAX_VALUE);
        return parked.page(state, below, size);
    }

    @POST
    @Path("/{id}/replay")
    @Operation(summary = "Take the parked event in again; on success it is marked replayed, on failure 409 REPLAY_FAILED")
    public Uni<ParkedEventView> replay(@PathParam("id") String id) {
        requireAdmin();
        return parked.replay(number("id", id, 1, Long.MAX_VALUE));
    }

    private void requireAdmin() {
        if (!access.isSystemAdmin()) {
            throw new ForbiddenException("parked events are for system administrators");
        }
    }

    private static Long number(String name, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new BadQuery(name, "must be a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw new BadQuery(name, "must be a whole number from " + min + " to " + max);
        }
        return value;
    }

    /** A query or path parameter refused: answered 400 {@value Problem#INVALID_REQUEST} naming it. */
    public static final class BadQuery extends RuntimeException {
        private final String field;

        BadQuery(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
