package io.wharf.registry.api.manage;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;
import io.wharf.problem.validation.Names;
import io.wharf.problem.validation.ProjectName;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Action;
import io.wharf.registry.auth.AuthConfig;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Role;
import io.wharf.registry.auth.Secrets;

/** Projects, their members and robot accounts. */
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "projects")
public class ProjectResource {

    /** A project as the API shows it; {@code role} is the caller's role there (null when none). */
    public record ProjectView(String name, boolean isPublic, boolean verifiedPublisher, boolean official, String role, Instant createdAt) {
    }

    public record NewProject(@NotNull(message = "is required") @ProjectName String name, Boolean isPublic) {
    }

    public record ProjectUpdate(Boolean isPublic, Boolean verifiedPublisher) {
    }

    public record MemberView(String username, String role) {
    }

    public record MemberUpdate(@NotBlank(message = "is required: projectAdmin, maintainer, developer, guest or limitedGuest") String role) {
    }

    public record RobotView(String name, String description, List<String> permissions, Instant expiresAt, boolean disabled, Instant createdAt) {
    }

    /** A robot request: permissions among pull, push, delete; expiry in days or at an instant (neither, or 0 days: never). */
    public record NewRobot(
            @NotNull(message = ROBOT_NAME) @Size(min = 1, max = 64, message = ROBOT_NAME) @Pattern(regexp = Names.COMPONENT, message = ROBOT_NAME) String name,
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

    private final Gate gate;
    private final Identities identities;
    private final AccessPolicy policy;
    private final AuthConfig config;
    private final Authenticator authenticator;

    public ProjectResource(Gate gate, Identities identities, AccessPolicy policy, AuthConfig config, Authenticator authenticator) {
        this.gate = gate;
        this.identities = identities;
        this.policy = policy;
        this.config = config;
        this.authenticator = authenticator;
    }

    @GET
    @Operation(summary = "Projects the caller may see: public ones, its own, all for system admins")
    public Uni<List<ProjectView>> list() {
        Principal p = gate.caller();
        return policy.roles(p).chain(roles -> policy.listable(p).map(projects -> projects.stream()
                .map(pr -> view(pr, roles.get(pr.name()))).toList()));
    }

    @POST
    @Operation(summary = "Create a project (private unless isPublic); the creator becomes its project admin")
    public Uni<Response> create(@Valid NewProject body) {
        Principal p = "admin".equals(config.projectCreation()) ? gate.admin() : gate.user();
        if (body == null) {
            throw ApiException.badRequest("a project with a name is required");
        }
        boolean isPublic = Boolean.TRUE.equals(body.isPublic());
        return identities.pool().withTransaction(db -> identities.insertProject(db, body.name(), isPublic).chain(project -> {
            if (project == null) {
                throw ApiException.conflict("project " + body.name() + " exists");
            }
            return identities.putMember(db, project.id(), p.accountId(), Role.PROJECT_ADMIN).replaceWith(project);
        })).invoke(policy::changed).map(project -> Response.status(201).entity(view(project, Role.PROJECT_ADMIN)).build());
    }

    @GET
    @Path("/{name}")
    public Uni<ProjectView> get(@RestPath String name) {
        return gate.project(name, role -> true).chain(project -> policy.role(gate.caller(), name).map(role -> view(project, role)));
    }

    @PUT
    @Path("/{name}")
    @Operation(summary = "Change visibility (project admins) or the verified-publisher badge (system admins)")
    public Uni<ProjectView> update(@RestPath String name, ProjectUpdate body) {
        if (body == null) {
            throw ApiException.badRequest("body required");
        }
        if (body.verifiedPublisher() != null) {
            gate.admin();
        }
        return gate.project(name, Gate::manages)
                .call(() -> identities.updateProject(name, body.isPublic(), body.verifiedPublisher()))
                .invoke(policy::changed)
                .chain(() -> get(name));
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete an empty project (project admins)")
    public Uni<Response> delete(@RestPath String name) {
        if ("library".equals(name)) {
            throw ApiException.conflict("the library project cannot be deleted");
        }
        return gate.project(name, Gate::manages)
                .chain(() -> identities.projectHasRepositories(name))
                .chain(used -> {
                    if (used) {
                        throw ApiException.conflict("project " + name + " still has repositories: delete them first");
                    }
                    return identities.deleteProject(name);
                })
                .invoke(policy::changed)
                .map(done -> Response.noContent().build());
    }

    // ---- members

    @GET
    @Path("/{name}/members")
    public Uni<List<MemberView>> members(@RestPath String name) {
        return gate.project(name, Gate::reads).chain(project -> identities.members(project.id()))
                .map(members -> members.stream().map(m -> new MemberView(m.username(), m.role().wireName())).toList());
    }

    @PUT
    @Path("/{name}/members/{username}")
    @Operation(summary = "Add a member or change its role: projectAdmin, maintainer, developer, guest, limitedGuest")
    public Uni<MemberView> putMember(@RestPath String name, @RestPath String username, @Valid MemberUpdate body) {
        Role role;
        try {
            role = Role.fromWire(body == null ? null : body.role());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return gate.project(name, Gate::manages).chain(project -> identities.account(username).chain(account -> {
            if (account == null) {
                throw ApiException.notFound("user " + username);
            }
            return identities.putMember(identities.pool(), project.id(), account.id(), role);
        })).invoke(policy::changed).map(done -> new MemberView(username, role.wireName()));
    }

    @DELETE
    @Path("/{name}/members/{username}")
    public Uni<Response> removeMember(@RestPath String name, @RestPath String username) {
        return gate.project(name, Gate::manages).chain(project -> identities.account(username).chain(account -> account == null
                ? Uni.createFrom().item(false) : identities.removeMember(project.id(), account.id())))
                .invoke(policy::changed)
                .map(removed -> removed ? Response.noContent().build()
                        : ApiException.answer(404, "NOT_FOUND", username + " is not a member of " + name));
    }

    // ---- robots

    @GET
    @Path("/{name}/robots")
    public Uni<List<RobotView>> robots(@RestPath String name) {
        return gate.project(name, Gate::reads).chain(project -> identities.robots(project.id()))
                .map(robots -> robots.stream().map(ProjectResource::view).toList());
    }

    @POST
    @Path("/{name}/robots")
    @Operation(summary = "Create a robot account robot$<project>+<name>; the secret is in this response only")
    public Uni<Response> createRobot(@RestPath String name, @Valid NewRobot body) {
        if (body == null) {
            throw ApiException.badRequest("a robot with a name and permissions is required");
        }
        Set<Action> permissions = permissions(body.permissions());
        if (body.expiresAt() != null && (body.expiresInDays() != null || !body.expiresAt().isAfter(Instant.now()))) {
            throw ApiException.badRequest("expiresAt must be in the future, and not given with expiresInDays");
        }
        Instant expires = body.expiresAt() != null ? body.expiresAt()
                : body.expiresInDays() == null || body.expiresInDays() == 0 ? null : Instant.now().plus(Duration.ofDays(body.expiresInDays()));
        String secret = Secrets.newToken(Authenticator.ROBOT_SECRET_PREFIX);
        return gate.project(name, Gate::manages)
                .chain(project -> identities.insertRobot(project.id(), body.name(), body.description(), permissions, expires, Secrets.sha256(secret)))
                .map(robot -> {
                    if (robot == null) {
                        throw ApiException.conflict("robot " + body.name() + " exists in " + name);
                    }
                    return Response.status(201).entity(new RobotSecret(robot.fullName(), secret, names(robot.permissions()), robot.expiresAt())).build();
                });
    }

    @POST
    @Path("/{name}/robots/{robot}/secret")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace a robot's secret; the new one is in this response only")
    public Uni<RobotSecret> refreshSecret(@RestPath String name, @RestPath String robot) {
        String secret = Secrets.newToken(Authenticator.ROBOT_SECRET_PREFIX);
        return gate.project(name, Gate::manages).chain(project -> identities.robot(name, robot)).chain(r -> {
            if (r == null) {
                throw ApiException.notFound("robot " + robot);
            }
            return identities.setRobotSecret(r.id(), Secrets.sha256(secret)).invoke(authenticator::forgetAll)
                    .map(done -> new RobotSecret(r.fullName(), secret, names(r.permissions()), r.expiresAt()));
        });
    }

    @DELETE
    @Path("/{name}/robots/{robot}")
    public Uni<Response> deleteRobot(@RestPath String name, @RestPath String robot) {
        return gate.project(name, Gate::manages).chain(project -> identities.robot(name, robot)).chain(r -> {
            if (r == null) {
                throw ApiException.notFound("robot " + robot);
            }
            return identities.deleteRobot(r.id()).invoke(authenticator::forgetAll).map(done -> Response.noContent().build());
        });
    }

    /** The actions of a validated, non-empty permission list; an unknown word is refused. */
    private static Set<Action> permissions(List<String> words) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String w : words) {
            Set<Action> one = Action.parseList(w);
            if (one.isEmpty() || "*".equals(w)) {
                throw ApiException.badRequest("unknown permission '" + w + "': use pull, push, delete");
            }
            actions.addAll(one);
        }
        return actions;
    }

    private static List<String> names(Set<Action> actions) {
        return List.of(Action.join(actions).split(","));
    }

    static ProjectView view(Identities.Project p, Role role) {
        return new ProjectView(p.name(), p.isPublic(), p.verifiedPublisher(), "library".equals(p.name()),
                role == null ? null : role.wireName(), p.createdAt());
    }

    private static RobotView view(Identities.Robot r) {
        return new RobotView(r.fullName(), r.description(), names(r.permissions()), r.expiresAt(), r.disabled(), r.createdAt());
    }
}
