package io.wharf.registry.api;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.wharf.reference.RepositoryNames;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.AccessToken;
import io.wharf.registry.auth.Action;
import io.wharf.registry.auth.AuthConfig;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.ClientAddress;
import io.wharf.registry.auth.InvalidTokenException;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.PullLimiter;
import io.wharf.registry.auth.SignInThrottled;
import io.wharf.registry.auth.Tokens;
import io.wharf.registry.identity.ProjectService;
import io.wharf.registry.oci.Names;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;

/**
 * Authenticates and authorizes every {@code /v2/} request before its endpoint runs, and counts
 * pulls. Answers as Docker token auth clients expect:
 * <ul>
 * <li>no credentials and not enough for an anonymous caller: 401 {@code UNAUTHORIZED} with the
 * {@code WWW-Authenticate: Bearer realm=…,service=…,scope=…} challenge (also for {@code /v2/}
 * itself, which is how clients discover the token endpoint);</li>
 * <li>credentials or a token that are not valid: 401 with the challenge;</li>
 * <li>valid credentials or token without the needed access: 403 {@code DENIED} (docker prints
 * "denied: requested access to the resource is denied").</li>
 * </ul>
 * A private repository's existence is never revealed: access is decided before the endpoint looks
 * anything up.
 */
@ApplicationScoped
public class RegistryGuard {

    static final String PRINCIPAL = "wharf.principal";
    static final String MOUNT_DENIED = "wharf.mount-denied";

    private final Tokens tokens;
    private final Authenticator authenticator;
    private final AccessPolicy policy;
    private final ProjectService projects;
    private final PullLimiter limiter;
    private final AuthConfig config;

    public RegistryGuard(Tokens tokens, Authenticator authenticator, AccessPolicy policy, ProjectService projects, PullLimiter limiter, AuthConfig config) {
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.policy = policy;
        this.projects = projects;
        this.limiter = limiter;
        this.config = config;
    }

    /** The principal the guard stored for this request (anonymous when there is none). */
    static Principal principal(RoutingContext ctx) {
        Principal p = ctx.get(PRINCIPAL);
        return p == null ? Principal.ANONYMOUS : p;
    }

    /** The principal of an allowed request (also stored in the context); fails with the right error otherwise. */
    Uni<Principal> check(RoutingContext ctx, RegistryRequest r, HttpMethod method) {
        String header = ctx.request().getHeader("Authorization");
        Set<Action> needed = needed(r, method);
        if (header == null) {
            if (r.kind() == RegistryRequest.Kind.BASE || r.kind() == RegistryRequest.Kind.CATALOG) {
                return Uni.createFrom().failure(challenge(ctx, r, needed, null));
            }
            return policy.actions(Principal.ANONYMOUS, Names.project(r.repository()))
                    .chain(actions -> actions.containsAll(needed) ? allowed(ctx, r, method, Principal.ANONYMOUS, null)
                            : Uni.createFrom().failure(challenge(ctx, r, needed, null)));
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            AccessToken token;
            try {
                token = tokens.verifyAccess(header.substring(7).trim());
            } catch (InvalidTokenException e) {
                return Uni.createFrom().failure(challenge(ctx, r, needed, "invalid_token"));
            }
            if (r.repository() != null && !token.allows(r.asked(), needed)) {
                return Uni.createFrom().failure(challenge(ctx, r, needed, "insufficient_scope"));
            }
            AccessToken verified = token;
            // A token outlives nothing it was made with: a deleted access token, a new password, a rotated robot secret.
            return authenticator.stillBound(verified).chain(holds -> {
                if (!holds) {
                    return Uni.createFrom().failure(challenge(ctx, r, needed, "invalid_token"));
                }
                if (!r.mirrored()) {
                    return allowed(ctx, r, method, verified.principal(), verified);
                }
                // The token may pull the name (a library developer's may); the mirror's own visibility and roles decide.
                return policy.actions(verified.principal(), Names.project(r.repository()))
                        .chain(actions -> actions.containsAll(needed) ? allowed(ctx, r, method, verified.principal(), verified)
                                : Uni.createFrom().failure(challenge(ctx, r, needed, "insufficient_scope")));
            });
        }
        String[] basic = Authenticator.parseBasic(header);
        if (basic == null) {
            return Uni.createFrom().failure(challenge(ctx, r, needed, null));
        }
        return authenticator.password(basic[0], basic[1], ClientAddress.of(ctx.request()))
                .onFailure(SignInThrottled.class).transform(t -> new RegistryException(OciError.TOOMANYREQUESTS, t.getMessage(),
                        Map.of("Retry-After", Long.toString(((SignInThrottled) t).retryAfterSeconds()))))
                .chain(a -> {
            if (a == null) {
                return Uni.createFrom().failure(challenge(ctx, r, needed, "invalid_token"));
            }
            if (r.repository() == null) {
                return allowed(ctx, r, method, a.principal(), null);
            }
            return policy.actions(a.principal(), Names.project(r.repository())).map(a.binding()::limit)
                    .chain(actions -> actions.containsAll(needed) ? allowed(ctx, r, method, a.principal(), null)
                            : Uni.createFrom().failure(OciError.DENIED.exception()));
        });
    }

    private Uni<Principal> allowed(RoutingContext ctx, RegistryRequest r, HttpMethod method, Principal p, AccessToken token) {
        ctx.put(PRINCIPAL, p);
        PullLimiter.Quota quota = countPull(ctx, r, method, p);
        if (quota != null && !quota.allowed()) {
            return Uni.createFrom().failure(new RegistryException(OciError.TOOMANYREQUESTS, "pull limit reached; it resets when the window ends",
                    Map.of("RateLimit-Limit", quota.limitHeader(), "RateLimit-Remaining", quota.remainingHeader(),
                            "docker-ratelimit-source", quota.source())));
        }
        Uni<Void> mount = null;
        String from = mountSource(ctx, r);
        if (from != null) {
            String source = Names.repository(from);
            if (token != null) {
                if (!token.allows(source, EnumSet.of(Action.PULL))) {
                    ctx.put(MOUNT_DENIED, true);
                }
            } else {
                mount = policy.actions(p, Names.project(source)).invoke(a -> {
                    if (!a.contains(Action.PULL)) {
                        ctx.put(MOUNT_DENIED, true);
                    }
                }).replaceWithVoid();
            }
        }
        Uni<Void> project = null;
        if (p.systemAdmin() && r.repository() != null && (method == HttpMethod.POST || method == HttpMethod.PUT)) {
            // Only an administrator's push can find its project missing (it creates it); others were refused above.
            project = projects.prepareForPush(p, Names.project(r.repository()));
        }
        if (mount == null && project == null) {
            return Uni.createFrom().item(p); // the common case: nothing to wait for
        }
        Uni<Void> createProject = project == null ? Uni.createFrom().voidItem() : project;
        return (mount == null ? createProject : mount.chain(() -> createProject)).replaceWith(p);
    }

    /**
     * Counts a pull (manifest GET) and, as Docker Hub does, sets the RateLimit headers on manifest
     * GET and HEAD responses; null when the caller has no limit or this is not a pull.
     */
    private PullLimiter.Quota countPull(RoutingContext ctx, RegistryRequest r, HttpMethod method, Principal p) {
        if (r.kind() != RegistryRequest.Kind.MANIFEST || !(method == HttpMethod.GET || method == HttpMethod.HEAD)) {
            return null;
        }
        PullLimiter.Subject subject = limiter.subject(p, ClientAddress.of(ctx.request()));
        if (subject == null) {
            return null;
        }
        boolean pull = method == HttpMethod.GET;
        PullLimiter.Quota quota = pull ? limiter.pull(subject) : limiter.peek(subject);
        ctx.response().putHeader("RateLimit-Limit", quota.limitHeader());
        ctx.response().putHeader("RateLimit-Remaining", quota.remainingHeader());
        ctx.response().putHeader("docker-ratelimit-source", quota.source());
        return pull ? quota : null;
    }

    /** The actions an endpoint needs on its repository. */
    static Set<Action> needed(RegistryRequest r, HttpMethod method) {
        return switch (r.kind()) {
            case BASE, CATALOG -> EnumSet.noneOf(Action.class);
            case TAGS, REFERRERS -> EnumSet.of(Action.PULL);
            case MANIFEST, BLOB -> method == HttpMethod.GET || method == HttpMethod.HEAD ? EnumSet.of(Action.PULL)
                    : method == HttpMethod.DELETE ? EnumSet.of(Action.DELETE) : EnumSet.of(Action.PULL, Action.PUSH);
            case UPLOADS, UPLOAD -> EnumSet.of(Action.PULL, Action.PUSH);
        };
    }

    private static String scope(RegistryRequest r, Set<Action> needed) {
        if (r.kind() == RegistryRequest.Kind.CATALOG) {
            return "registry:catalog:*";
        }
        if (r.repository() == null) {
            return null;
        }
        return "repository:" + r.asked() + ":" + Action.join(needed);
    }

    /** The {@code from} of a cross-repository mount ({@code POST …/blobs/uploads/?mount=&from=}); null when this is none. */
    private static String mountSource(RoutingContext ctx, RegistryRequest r) {
        return r.kind() == RegistryRequest.Kind.UPLOADS && ctx.request().getParam("mount") != null ? ctx.request().getParam("from") : null;
    }

    private RegistryException challenge(RoutingContext ctx, RegistryRequest r, Set<Action> needed, String error) {
        String scope = scope(r, needed);
        String from = mountSource(ctx, r);
        String source = from != null && RepositoryNames.isValidRepository(from) ? Names.repository(from) : null;
        if (scope != null && source != null && !source.equals(r.repository())) {
            // As Distribution does: a mount also asks to pull the source, so that a client taking the
            // challenge's scope as it is gets a token the mount can use (without it: an ordinary upload).
            scope += " repository:" + source + ":pull";
        }
        StringBuilder h = new StringBuilder("Bearer realm=\"").append(realm(ctx.request())).append("\",service=\"").append(config.service()).append('"');
        if (scope != null) {
            h.append(",scope=\"").append(scope).append('"');
        }
        if (error != null) {
            h.append(",error=\"").append(error).append('"');
        }
        OciError code = "insufficient_scope".equals(error) ? OciError.INSUFFICIENT_SCOPE : OciError.UNAUTHORIZED;
        return new RegistryException(code, null, Map.of("WWW-Authenticate", h.toString()));
    }

    /** The token endpoint's URL as this request reached the registry. */
    public String realm(HttpServerRequest request) {
        if (config.realm().isPresent()) {
            return config.realm().get();
        }
        String proto = request.getHeader("X-Forwarded-Proto");
        String scheme = proto != null ? proto : request.scheme();
        String host = request.getHeader("Host");
        return scheme + "://" + (host != null ? host : request.authority()) + "/token";
    }
}
