package io.wharf.registry.api.manage;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import io.smallrye.mutiny.Uni;
import io.wharf.access.ProjectRole;
import io.wharf.problem.Problem;
import io.wharf.problem.validation.PathComponent;
import io.wharf.problem.validation.ProjectName;
import io.wharf.registry.auth.Action;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.identity.MemberService;
import io.wharf.registry.identity.ProjectService;
import io.wharf.registry.identity.PullLimitService;
import io.wharf.registry.identity.RobotService;
import io.wharf.registry.proxy.ProxyProjects;

/** Projects, their members and robot accounts: HTTP mapping over the project, member and robot services. */
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "projects")
public class ProjectResource {

    /**
     * A project as the API shows it; {@code role} is the caller's role there (null when none), {@code proxy}
     * the upstream of a proxy project (null for others), never with its credentials.
     */
    public record ProjectView(String name, boolean isPublic, boolean verifiedPublisher, boolean official, String role, Instant createdAt,
                              ProxyProjects.View proxy) {
    }

    /** A new project; with {@code proxy}, a proxy project of that upstream (system admins only). */
    public record NewProject(@NotNull(message = "is required") @ProjectName String name, Boolean isPublic, @Valid NewProxy proxy) {
    }

    /**
     * The upstream of a new proxy project: an absolute http(s) URL, optional credentials (both or neither),
     * how long a checked tag is served without asking the upstream again (default 5m), and whether it is the
     * Docker Hub mirror (a Docker daemon's {@code registry-mirrors}; one project at most).
     */
    public record NewProxy(
            @NotBlank(message = "is required: the upstream registry's URL") @Size(max = 2048, message = "must be at most 2048 characters") String url,
            @Size(max = 255, message = "must be at most 255 characters") String username,
            @Size(max = 1024, message = "must be at most 1024 characters") String password,
            @Size(max = 16, message = "must be a duration such as 30s, 5m or 1h") String tagCheckInterval,
            Boolean dockerHubMirror) {

        @Override
        public String toString() {
            return "NewProxy[" + url + "]"; // never the password
        }
    }

    public record ProjectUpdate(Boolean isPublic, Boolean verifiedPublisher) {
    }

    public record MemberView(String username, String role) {
    }

    public record MemberUpdate(@NotBlank(message = "is required: one of " + ProjectRole.WIRE_NAMES) String role) {
    }

    public record RobotView(String name, String description, List<String> permissions, Instant expiresAt, boolean disabled, Instant createdAt) {
    }

    /** A robot request: permissions among pull, push, delete; expiry in days or at an instant (neither, or 0 days: never). */
    public record NewRobot(
            @NotNull(message = ROBOT_NAME) @Size(min = 1, max = 64, message = ROBOT_NAME) @PathComponent(message = ROBOT_NAME) String name,
            @Size(max = 1024, message = "must be at most 1024 characters") String description,
            @NotEmpty(message = "must name at least one of pull, push, delete") @Size(max = 10, message = "must list at most 10 permissions")
            List<@NotNull(message = "must be pull, push or delete") String> permissions,
            @Min(value = 0, message = "must not be negative") Integer expiresInDays,
            Instant expiresAt) {
    }

    private static final String ROBOT_NAME = "must be 1–64 lowercase letters, digits and separators (. _ -), starting and ending with a letter or digit";

    /** The robot with its secret: the only time the secret is shown. */
    public record RobotSecret(String name, String secret, List<String> permissions, Instant expiresAt) {
    }

    private final ProjectService projects;
    private final MemberService members;
    private final RobotService robots;
    private final PullLimitService pullLimits;

    private final ProxyProjects proxies;

    public ProjectResource(ProjectService projects, MemberService members, RobotService robots, PullLimitService pullLimits,
                           ProxyProjects proxies) {
        this.proxies = proxies;
        this.pullLimits = pullLimits;
        this.projects = projects;
        this.members = members;
        this.robots = robots;
    }

    @GET
    @Operation(summary = "Projects the caller may see: public ones, its own, all for system admins")
    public Uni<List<ProjectView>> list() {
        return projects.list().chain(all -> proxies.views().map(proxyViews -> all.stream()
                .map(pr -> view(pr, proxyViews.get(pr.project().name()))).toList()));
    }

    @POST
    @Operation(summary = "Create a project (private unless isPublic); the creator becomes its project admin")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> create(@NotNull(message = Problem.BODY_REQUIRED) @Valid NewProject body) {
        NewProxy proxy = body.proxy();
        Uni<ProjectService.ProjectAndRole> created = proxy == null ? projects.create(body.name(), body.isPublic())
                : proxies.create(body.name(), body.isPublic(), proxy.url(), proxy.username(), proxy.password(), proxy.tagCheckInterval(),
                        Boolean.TRUE.equals(proxy.dockerHubMirror()));
        return created.chain(pr -> withProxy(pr)).map(view -> Response.status(201).entity(view).build());
    }

    @GET
    @Path("/{name}")
    public Uni<ProjectView> get(@RestPath String name) {
        return projects.get(name).chain(this::withProxy);
    }

    @PUT
    @Path("/{name}")
    @Operation(summary = "Change visibility (project admins) or the verified-publisher badge (system admins)")
    public Uni<ProjectView> update(@RestPath String name, @NotNull(message = Problem.BODY_REQUIRED) ProjectUpdate body) {
        return projects.update(name, body.isPublic(), body.verifiedPublisher()).chain(this::withProxy);
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete an empty project (project admins)")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> delete(@RestPath String name) {
        return projects.delete(name).map(done -> Response.noContent().build());
    }

    // ---- pull limit of the project's robots

    /** The budget all robots of the project share per window; a limit left out or null is unlimited. */
    public record RobotPullLimitUpdate(@Min(value = 1, message = "must be at least 1, or null for unlimited") Integer perWindow) {
    }

    @GET
    @Path("/{name}/robot-pull-limit")
    @Operation(summary = "The pull budget the project's robots share (system admins)")
    public Uni<UserResource.PullLimitView> robotPullLimit(@RestPath String name) {
        return pullLimits.ofProject(name).map(UserResource.PullLimitView::of);
    }

    @PUT
    @Path("/{name}/robot-pull-limit")
    @Operation(summary = "Set the pull budget the project's robots share per window; null is unlimited (system admins)")
    public Uni<UserResource.PullLimitView> setRobotPullLimit(@RestPath String name,
            @NotNull(message = Problem.BODY_REQUIRED) @Valid RobotPullLimitUpdate body) {
        return pullLimits.setForProject(name, body.perWindow()).map(UserResource.PullLimitView::of);
    }

    @DELETE
    @Path("/{name}/robot-pull-limit")
    @Operation(summary = "Back to the configured budget of the project's robots (system admins)")
    public Uni<UserResource.PullLimitView> clearRobotPullLimit(@RestPath String name) {
        return pullLimits.clearForProject(name).map(UserResource.PullLimitView::of);
    }

    // ---- members

    @GET
    @Path("/{name}/members")
    public Uni<List<MemberView>> members(@RestPath String name) {
        return members.list(name).map(all -> all.stream().map(m -> new MemberView(m.username(), m.role().wireName())).toList());
    }

    @PUT
    @Path("/{name}/members/{username}")
    @Operation(summary = "Add a member or change its role: " + ProjectRole.WIRE_NAMES)
    public Uni<MemberView> putMember(@RestPath String name, @RestPath String username, @NotNull(message = Problem.BODY_REQUIRED) @Valid MemberUpdate body) {
        return members.put(name, username, body.role()).map(role -> new MemberView(username, role.wireName()));
    }

    @DELETE
    @Path("/{name}/members/{username}")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> removeMember(@RestPath String name, @RestPath String username) {
        return members.remove(name, username).map(done -> Response.noContent().build());
    }

    // ---- robots

    @GET
    @Path("/{name}/robots")
    public Uni<List<RobotView>> robots(@RestPath String name) {
        return robots.list(name).map(all -> all.stream().map(ProjectResource::view).toList());
    }

    @POST
    @Path("/{name}/robots")
    @Operation(summary = "Create a robot account robot$<project>+<name>; the secret is in this response only")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> createRobot(@RestPath String name, @NotNull(message = Problem.BODY_REQUIRED) @Valid NewRobot body) {
        return robots.create(name, body.name(), body.description(), body.permissions(), body.expiresInDays(), body.expiresAt())
                .map(created -> Response.status(201).entity(secret(created)).build());
    }

    @POST
    @Path("/{name}/robots/{robot}/secret")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace a robot's secret; the new one is in this response only")
    public Uni<RobotSecret> refreshSecret(@RestPath String name, @RestPath String robot) {
        return robots.refreshSecret(name, robot).map(ProjectResource::secret);
    }

    @DELETE
    @Path("/{name}/robots/{robot}")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> deleteRobot(@RestPath String name, @RestPath String robot) {
        return robots.delete(name, robot).map(done -> Response.noContent().build());
    }

    private static RobotSecret secret(RobotService.RobotWithSecret r) {
        return new RobotSecret(r.robot().fullName(), r.secret(), names(r.robot().permissions()), r.robot().expiresAt());
    }

    private static List<String> names(Set<Action> actions) {
        return List.of(Action.join(actions).split(","));
    }

    private Uni<ProjectView> withProxy(ProjectService.ProjectAndRole pr) {
        return proxies.view(pr.project().name()).map(proxy -> view(pr, proxy));
    }

    static ProjectView view(ProjectService.ProjectAndRole pr, ProxyProjects.View proxy) {
        Identities.Project p = pr.project();
        return new ProjectView(p.name(), p.isPublic(), p.verifiedPublisher(), ProjectService.LIBRARY.equals(p.name()),
                pr.role() == null ? null : pr.role().wireName(), p.createdAt(), proxy);
    }

    private static RobotView view(Identities.Robot r) {
        return new RobotView(r.fullName(), r.description(), names(r.permissions()), r.expiresAt(), r.disabled(), r.createdAt());
    }
}
