package io.wharf.registry.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.audit.AuditLog;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Action;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.Authenticator.Authenticated;
import io.wharf.registry.auth.Binding;
import io.wharf.registry.auth.ClientAddress;
import io.wharf.registry.auth.Grant;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.SignInThrottled;
import io.wharf.registry.auth.Tokens;
import io.wharf.registry.oci.Names;
import io.wharf.registry.proxy.DockerHubMirror;
import io.wharf.registry.oci.RegistryException;

/**
 * The Docker token endpoint, {@code /token}:
 * <ul>
 * <li>{@code GET} with Basic credentials or none (anonymous), {@code scope} repeated,
 * {@code account}, {@code offline_token=true} (docker login: a {@code refresh_token} is returned);</li>
 * <li>OAuth2 {@code POST} (form) with {@code grant_type=password} ({@code username},
 * {@code password}, {@code access_type=offline} for a refresh token) or
 * {@code grant_type=refresh_token}; scopes space-separated.</li>
 * </ul>
 * Each requested scope is granted with exactly the actions the caller has; scopes the caller has
 * no right to are granted with no actions (the token is still issued, as registries do: access is
 * refused when it is used). Wrong credentials get 401. Issuing a refresh token is written to the audit
 * log ({@code token.issued}); checking the credentials is, by {@link Authenticator}.
 */
@ApplicationScoped
public class TokenRoutes {

    private final Tokens tokens;
    private final Authenticator authenticator;
    private final AccessPolicy policy;
    private final AuditLog audit;

    private final DockerHubMirror mirror;

    public TokenRoutes(Tokens tokens, Authenticator authenticator, AccessPolicy policy, AuditLog audit, DockerHubMirror mirror) {
        this.mirror = mirror;
        this.audit = audit;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.policy = policy;
    }

    void install(@Observes Router router) {
        router.get("/token").handler(this::get);
        router.post("/token").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::post);
    }

    void get(RoutingContext ctx) {
        VertxContextSafetyToggle.setCurrentContextSafe(true);
        MultiMap q = ctx.queryParams();
        String header = ctx.request().getHeader("Authorization");
        Uni<Authenticated> who;
        if (header == null) {
            who = Uni.createFrom().item(new Authenticated(Principal.ANONYMOUS, Binding.NONE));
        } else {
            String[] basic = Authenticator.parseBasic(header);
            who = basic == null ? Uni.createFrom().nullItem() : authenticator.password(basic[0], basic[1], ClientAddress.of(ctx.request()));
        }
        boolean offline = "true".equalsIgnoreCase(q.get("offline_token"));
        respond(ctx, who, scopes(q.getAll("scope")), offline, false);
    }

    void post(RoutingContext ctx) {
        VertxContextSafetyToggle.setCurrentContextSafe(true);
        MultiMap form = ctx.request().formAttributes();
        String grantType = form.get("grant_type");
        List<String> scopes = scopes(form.getAll("scope"));
        Uni<Authenticated> who;
        boolean refresh;
        if ("password".equals(grantType)) {
            String user = form.get("username");
            String password = form.get("password");
            who = user == null || password == null || user.isEmpty() || password.isEmpty() ? Uni.createFrom().nullItem()
                    : authenticator.password(user, password, ClientAddress.of(ctx.request()));
            refresh = "offline".equals(form.get("access_type"));
        } else if ("refresh_token".equals(grantType)) {
            String token = form.get("refresh_token");
            who = token == null ? Uni.createFrom().nullItem() : authenticator.refresh(token);
            refresh = true;
        } else {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "unsupported_grant_type")
                            .put("error_description", "grant_type must be password or refresh_token").encode());
            return;
        }
        respond(ctx, who, scopes, refresh, true);
    }

    /**
     * The scopes asked for: each {@code scope} parameter may hold several, space-separated (a client
     * that passes on a challenge's scope as it is, e.g. a mount's target and source).
     */
    static List<String> scopes(List<String> params) {
        List<String> scopes = new ArrayList<>();
        for (String s : params) {
            for (String one : s.trim().split("\\s+")) {
                if (!one.isEmpty()) {
                    scopes.add(one);
                }
            }
        }
        return scopes;
    }

    private void respond(RoutingContext ctx, Uni<Authenticated> who, List<String> scopes, boolean withRefresh, boolean oauth) {
        who.chain(a -> {
            if (a == null) {
                return Uni.createFrom().failure(new BadCredentials());
            }
            return grants(a.principal(), a.binding(), scopes).map(grants -> {
                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                String token = tokens.issueAccess(a.principal(), grants, a.binding());
                JsonObject body = new JsonObject()
                        .put("token", token)
                        .put("access_token", token)
                        .put("expires_in", tokens.accessTtl(a.binding()).toSeconds())
                        .put("issued_at", now.toString());
                if (oauth) {
                    body.put("token_type", "Bearer").put("scope", String.join(" ", scopes));
                }
                if (withRefresh && !a.principal().anonymous()) {
                    body.put("refresh_token", tokens.issueRefresh(a.principal(), a.binding()));
                }
                return body;
            }).call(body -> body.containsKey("refresh_token") ? audit.record(refreshIssued(a.principal(), oauth)) : Uni.createFrom().voidItem());
        }).subscribe().with(
                body -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store").end(body.encode()),
                failure -> {
                    if (failure instanceof SignInThrottled throttled) {
                        JsonObject entry = new JsonObject().put("code", "TOOMANYREQUESTS").put("message", throttled.getMessage());
                        ctx.response().setStatusCode(429).putHeader("Content-Type", "application/json")
                                .putHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()))
                                .end(new JsonObject().put("errors", new JsonArray().add(entry)).put("details", throttled.getMessage()).encode());
                    } else if (failure instanceof BadCredentials) {
                        JsonObject entry = new JsonObject().put("code", "UNAUTHORIZED").put("message", "incorrect username or password");
                        ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                                .end(new JsonObject().put("errors", new JsonArray().add(entry)).put("details", "incorrect username or password").encode());
                    } else {
                        ctx.fail(failure);
                    }
                });
    }

    private static AuditEventData refreshIssued(Principal p, boolean oauth) {
        return AuditLog.entry(Actions.TOKEN_ISSUED)
                .actor(p.robot() ? AuditEventData.ActorKind.ROBOT : AuditEventData.ActorKind.USER, p.name())
                .role(p.systemAdmin() ? AuditLog.SYSTEM_ADMIN : null)
                .project(p.robot() ? p.robotProject() : null)
                .subject(p.name()).summary("kind", "refresh").summary("endpoint", oauth ? "POST /token" : "GET /token")
                .build();
    }

    /** The granted access for each requested scope ({@code type:name:actions}), within what the credentials allow. */
    private Uni<List<Grant>> grants(Principal p, Binding binding, List<String> scopes) {
        List<Uni<Grant>> each = new ArrayList<>();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first <= 0 || last <= first) {
                continue;
            }
            String type = scope.substring(0, first);
            String name = scope.substring(first + 1, last);
            Set<Action> wanted = Action.parseList(scope.substring(last + 1));
            if (type.equals(Grant.REGISTRY) && name.equals(Grant.CATALOG)) {
                // Listing is filtered by what the caller may read; the grant itself reveals nothing.
                each.add(Uni.createFrom().item(new Grant(Grant.REGISTRY, Grant.CATALOG, EnumSet.allOf(Action.class))));
                continue;
            }
            if (!type.equals(Grant.REPOSITORY)) {
                continue;
            }
            String repository;
            try {
                repository = Names.repository(name);
            } catch (RegistryException invalidName) {
                continue;
            }
            each.add(allowed(p, binding, repository).map(allowed -> {
                Set<Action> granted = EnumSet.noneOf(Action.class);
                granted.addAll(wanted);
                granted.retainAll(allowed);
                return new Grant(Grant.REPOSITORY, repository, granted);
            }));
        }
        if (each.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(each).andFailFast();
    }

    /**
     * What the credentials may do to the repository. A name the Docker Hub mirror is read for may also be
     * pulled when the mirror lets the caller pull (the registry checks the mirror again on each read).
     */
    private Uni<Set<Action>> allowed(Principal p, Binding binding, String repository) {
        Uni<Set<Action>> here = policy.actions(p, Names.project(repository)).map(binding::limit);
        return mirror.read(repository).chain(there -> there == null ? here : here.chain(actions -> policy.actions(p, Names.project(there))
                .map(binding::limit).map(mirrored -> {
                    if (!mirrored.contains(Action.PULL)) {
                        return actions;
                    }
                    Set<Action> both = EnumSet.of(Action.PULL);
                    both.addAll(actions);
                    return both;
                })));
    }

    /** Credentials that prove nothing. */
    private static final class BadCredentials extends RuntimeException {
        BadCredentials() {
            super("incorrect username or password", null, false, false);
        }
    }
}
