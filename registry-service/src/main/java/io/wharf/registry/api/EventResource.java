package io.wharf.registry.api;

import java.util.List;

import jakarta.ws.rs.GET;
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
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.problem.Problem;
import io.wharf.problem.rest.ProblemResponse;
import io.wharf.registry.api.manage.ApiException;
import io.wharf.registry.auth.ClientAddress;
import io.wharf.registry.events.EventPage;
import io.wharf.registry.events.EventQuery;
import io.wharf.registry.events.EventQueryService;
import io.wharf.registry.events.EventStreams;
import io.wharf.registry.events.StreamRefusedException;
import io.wharf.registry.events.EventTrace;
import io.wharf.registry.events.EventView;
import io.wharf.registry.events.InvalidEventQueryException;
import io.wharf.registry.events.SignInRequiredException;

/** The event query API: history, single events, traces and a live tail. Translates HTTP only. */
@Path("/api/v1/events")
@Tag(name = "Events", description = "What happened in the registry, and what the pipeline did about it")
public class EventResource {

    private static final String BEARER = "Bearer ";

    private final EventQueryService events;
    private final EventStreams streams;

    public EventResource(EventQueryService events, EventStreams streams) {
        this.events = events;
        this.streams = streams;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List registry events",
            description = "Events matching every given filter, oldest first (or newest first with order=desc), one page at a "
                    + "time. Follow `next` (also sent as a Link header with rel=next) to read on in the same order; the last "
                    + "page has no `next`.")
    @APIResponse(responseCode = "200", description = "A page of events",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventPage.class)))
    @APIResponse(responseCode = "400", description = "A filter, the order, the cursor or the limit is invalid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> list(
            @Parameter(description = "Project (first segment of the repository name)") @RestQuery String project,
            @Parameter(description = "Full repository name, e.g. acme/api") @RestQuery String repository,
            @Parameter(description = "Event type, e.g. io.wharf.tag.updated or tag.updated; repeat for several",
                    schema = @Schema(type = SchemaType.ARRAY, implementation = String.class)) @RestQuery List<String> type,
            @Parameter(description = "Tag the event concerns") @RestQuery String tag,
            @Parameter(description = "Manifest digest the event concerns") @RestQuery String digest,
            @Parameter(description = "Name of the user or robot that caused the event") @RestQuery String actor,
            @Parameter(description = "Events at or after this time (ISO-8601 with offset)") @RestQuery String since,
            @Parameter(description = "Events before this time (ISO-8601 with offset)") @RestQuery String until,
            @Parameter(description = "asc: oldest first (the default); desc: newest first. A cursor continues the order "
                    + "that returned it", schema = @Schema(type = SchemaType.STRING, enumeration = { "asc", "desc" }, defaultValue = "asc"))
            @RestQuery String order,
            @Parameter(description = "Opaque cursor from a previous page's next (of the same order)") @RestQuery String cursor,
            @Parameter(description = "Page size, 1 to 500", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "50"))
            @RestQuery String limit,
            UriInfo uri) {
        EventQuery query = EventQuery.parse(project, repository, type, tag, digest, actor, since, until, order, cursor, limit);
        return events.list(query).map(page -> {
            Response.ResponseBuilder ok = Response.ok(page);
            if (page.next() != null) {
                ok.links(Link.fromUriBuilder(uri.getRequestUriBuilder().replaceQueryParam("cursor", page.next())).rel("next").build());
            }
            return ok.build();
        });
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Follow registry events live",
            description = "Server-Sent Events: one `data:` line per event (the JSON of an Event) for every matching event "
                    + "published after the stream opened, in publication order. Takes the same filters as the list "
                    + "except since, until, cursor and limit. Non-members of an event's project see it without the pusher's "
                    + "address and User-Agent. The stream ends when the caller's access to a project it could read ends, "
                    + "when its credentials expire, or when it falls too far behind; streams per caller, per address and "
                    + "in total are capped.")
    @APIResponse(responseCode = "200", description = "An endless event stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = EventView.class)))
    @APIResponse(responseCode = "400", description = "A filter is invalid")
    @APIResponse(responseCode = "429", description = "The caller, its address or the registry has the most streams open it may; see Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Multi<EventView> stream(@RestQuery String project, @RestQuery String repository, @RestQuery List<String> type,
                                   @RestQuery String tag, @RestQuery String digest, @RestQuery String actor,
                                   @RestHeader("Authorization") String authorization, HttpServerRequest request) {
        EventQuery query = EventQuery.parse(project, repository, type, tag, digest, actor, null, null, null, null, null);
        String bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : null;
        return streams.open(query, ClientAddress.of(request), bearer);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get one registry event")
    @APIResponse(responseCode = "200", description = "The event",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventView.class)))
    @APIResponse(responseCode = "404", description = "No such event (or not readable by the caller)")
    public Uni<Response> get(@RestPath String id) {
        return events.get(id).map(event -> event == null ? notFound(id) : Response.ok(event).build());
    }

    @GET
    @Path("/{id}/trace")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Trace a registry event through the pipeline",
            description = "The event and every notification.* and deployment.* event received about it, in the order they happened.")
    @APIResponse(responseCode = "200", description = "The trace",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventTrace.class)))
    @APIResponse(responseCode = "404", description = "No such event (or not readable by the caller)")
    public Uni<Response> trace(@RestPath String id) {
        return events.trace(id).map(trace -> trace == null ? notFound(id) : Response.ok(trace).build());
    }

    /** 400 {@code INVALID_QUERY}, naming the query parameter in {@code errors}. */
    @ServerExceptionMapper
    Response invalidQuery(InvalidEventQueryException e) {
        return ProblemResponse.of(Problem.of(400, "INVALID_QUERY", e.getMessage())
                .withErrors(List.of(new Problem.FieldError(e.parameter(), e.getMessage()))));
    }

    /** 401 {@code UNAUTHORIZED} with the management API's challenge. */
    @ServerExceptionMapper
    Response signInRequired(SignInRequiredException e) {
        return ApiException.answer(401, "UNAUTHORIZED", e.getMessage());
    }

    /** 429 {@code TOO_MANY_STREAMS} with {@code Retry-After}. */
    @ServerExceptionMapper
    Response tooManyStreams(StreamRefusedException e) {
        return ProblemResponse.builder(Problem.of(429, "TOO_MANY_STREAMS", e.getMessage()))
                .header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
    }

    private static Response notFound(String id) {
        return ProblemResponse.of(404, "EVENT_UNKNOWN", "no event " + id);
    }
}
