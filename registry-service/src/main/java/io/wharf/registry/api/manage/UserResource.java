package io.wharf.registry.api.manage;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
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
import io.wharf.problem.Problem;
import io.wharf.problem.validation.ProjectName;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Secrets;
import io.wharf.registry.auth.TokenScope;
import io.wharf.registry.identity.AccountService;
import io.wharf.registry.identity.PullLimitService;
import io.wharf.registry.identity.TokenService;

/** Accounts, personal access tokens and API tokens: HTTP mapping over the account and token services. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "users")
public class UserResource {

    public record UserView(String username, String email, boolean systemAdmin, Instant createdAt) {
    }

    /** The caller: who, and its role in each project it belongs to. */
    public record Me(String username, String kind, boolean systemAdmin, Map<String, String> projects) {
    }

    /** An account request; the username also names the account's personal project. */
    public record NewUser(
            @NotNull(message = "is required") @ProjectName String username,
            @NotNull(message = PASSWORD) @Size(min = Secrets.MIN_PASSWORD_LENGTH, max = 1024, message = PASSWORD) String password,
            @Size(max = 254, message = "must be at most 254 characters") String email,
            Boolean systemAdmin) {
    }

    /** A new password; changing one's own needs the current one too (an administrator setting another account's does not). */
    public record PasswordChange(@NotNull(message = PASSWORD) @Size(min = Secrets.MIN_PASSWORD_LENGTH, max = 1024, message = PASSWORD) String password,
            @Size(max = 1024, message = "must be at most 1024 characters") String currentPassword) {
    }

    private static final String PASSWORD = "must have at least {min} characters (at most {max})";

    /** Pull limits in force: per window and per day, null when unlimited; {@code overridden} when an administrator set them. */
    public record PullLimitView(Integer perWindow, Integer perDay, long windowSeconds, boolean overridden) {
        static PullLimitView of(PullLimitService.Limits l) {
            return new PullLimitView(l.perWindow(), l.perDay(), l.window().toSeconds(), l.overridden());
        }
    }

    /** Limits in place of the configured ones; a limit left out or null is unlimited. */
    public record PullLimitUpdate(@Min(value = 1, message = "must be at least 1, or null for unlimited") Integer perWindow,
            @Min(value = 1, message = "must be at least 1, or null for unlimited") Integer perDay) {
    }

    public record TokenView(String name, Instant expiresAt, Instant createdAt, List<String> scopes) {
    }

    /**
     * A personal access token request: expiry in days (absent or 0: never) and scopes among pull, push,
     * delete and api (absent: pull and push).
     */
    public record NewToken(
            @NotBlank(message = "is required (at most 100 characters)") @Size(max = 100, message = "is required (at most 100 characters)") String name,
            @Min(value = 0, message = "must not be negative") Integer expiresInDays,
            @Size(max = 4, message = "must list at most 4 scopes") List<@NotNull(message = "must be pull, push, delete or api") String> scopes) {
    }

    /** The token itself: the only time it is shown. Use it as the password with docker login. */
    public record TokenSecret(String name, String token, Instant expiresAt, List<String> scopes) {
    }

    /** A management API token for this and the other Wharf services' APIs. */
    public record ApiToken(String token, String tokenType, long expiresIn) {
    }

    private final AccountService accounts;
    private final PullLimitService pullLimits;
    private final TokenService tokens;

    public UserResource(AccountService accounts, TokenService tokens, PullLimitService pullLimits) {
        this.pullLimits = pullLimits;
        this.accounts = accounts;
        this.tokens = tokens;
    }

    @POST
    @Path("/auth/token")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "An API token (JWT) for the caller, accepted by the registry's, notifier's and deployer's APIs")
    public Uni<ApiToken> apiToken() {
        return tokens.apiToken().map(t -> new ApiToken(t.token(), "Bearer", t.ttl().toSeconds()));
    }

    @GET
    @Path("/users/me")
    public Uni<Me> me() {
        return accounts.me().map(me -> {
            Principal p = me.principal();
            Map<String, String> out = new TreeMap<>();
            me.roles().forEach((k, v) -> out.put(k, v.wireName()));
            if (p.robot()) {
                out.put(p.robotProject(), "robot");
            }
            return new Me(p.name(), p.kind().name().toLowerCase(Locale.ROOT), p.systemAdmin(), out);
        });
    }

    @GET
    @Path("/users")
    @Operation(summary = "Every account (system admins)")
    public Uni<List<UserView>> list() {
        return accounts.list().map(all -> all.stream().map(UserResource::view).toList());
    }

    @POST
    @Path("/users")
    @Operation(summary = "Create an account and its personal project (system admins)")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> create(@NotNull(message = Problem.BODY_REQUIRED) @Valid NewUser body) {
        return accounts.create(body.username(), body.password(), body.email(), Boolean.TRUE.equals(body.systemAdmin()))
                .map(a -> Response.status(201).entity(view(a)).build());
    }

    @PUT
    @Path("/users/{username}/password")
    @Operation(summary = "Set a password (the account itself or a system admin); refresh tokens issued before stop working")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> password(@RestPath String username, @NotNull(message = Problem.BODY_REQUIRED) @Valid PasswordChange body) {
        return accounts.changePassword(username, body.password(), body.currentPassword()).map(done -> Response.noContent().build());
    }

    @GET
    @Path("/users/{username}/pull-limit")
    @Operation(summary = "The account's pull limits in force (system admins)")
    public Uni<PullLimitView> pullLimit(@RestPath String username) {
        return pullLimits.ofAccount(username).map(PullLimitView::of);
    }

    @PUT
    @Path("/users/{username}/pull-limit")
    @Operation(summary = "Set the account's pull limits in place of the configured ones; a limit left out or null is unlimited (system admins)")
    public Uni<PullLimitView> setPullLimit(@RestPath String username, @NotNull(message = Problem.BODY_REQUIRED) @Valid PullLimitUpdate body) {
        return pullLimits.setForAccount(username, body.perWindow(), body.perDay()).map(PullLimitView::of);
    }

    @DELETE
    @Path("/users/{username}/pull-limit")
    @Operation(summary = "Back to the configured pull limits (system admins)")
    public Uni<PullLimitView> clearPullLimit(@RestPath String username) {
        return pullLimits.clearForAccount(username).map(PullLimitView::of);
    }

    @DELETE
    @Path("/users/{username}/sign-in-failures")
    @Operation(summary = "Clear an account's failed sign-ins, so a throttled account may sign in at once (system admins)")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> unlock(@RestPath String username) {
        return accounts.unlock(username).map(done -> Response.noContent().build());
    }

    @DELETE
    @Path("/users/{username}")
    @Operation(summary = "Delete an account (system admins); its personal project stays")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> delete(@RestPath String username) {
        return accounts.delete(username).map(done -> Response.noContent().build());
    }

    @GET
    @Path("/users/me/tokens")
    public Uni<List<TokenView>> tokens() {
        return tokens.list().map(all -> all.stream().map(t -> new TokenView(t.name(), t.expiresAt(), t.createdAt(), TokenScope.names(t.scopes()))).toList());
    }

    @POST
    @Path("/users/me/tokens")
    @Operation(summary = "Create a personal access token; it is in this response only")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> createToken(@NotNull(message = Problem.BODY_REQUIRED) @Valid NewToken body) {
        return tokens.create(body.name(), body.expiresInDays(), body.scopes())
                .map(t -> Response.status(201).entity(new TokenSecret(t.token().name(), t.secret(), t.token().expiresAt(), TokenScope.names(t.token().scopes()))).build());
    }

    @DELETE
    @Path("/users/me/tokens/{name}")
    @APIResponse(responseCode = "204", description = "Done; no content")
    public Uni<Response> deleteToken(@RestPath String name) {
        return tokens.delete(name).map(done -> Response.noContent().build());
    }

    private static UserView view(Identities.Account a) {
        return new UserView(a.username(), a.email(), a.systemAdmin(), a.createdAt());
    }
}
