package io.wharf.registry.api.manage;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.problem.Problem;
import io.wharf.registry.auth.SignInThrottled;

/**
 * Every write to the management API (any method but GET, HEAD and OPTIONS under {@code /api/}) needs
 * a signed-in caller, and is refused before any of its body is read or parsed otherwise: no
 * credentials or credentials that do not check out are 401 with the Basic challenge, a throttled
 * sign-in 429 with {@code Retry-After}. No management write is open to anonymous callers, so this
 * refuses nothing the services would have allowed; it only refuses sooner, so that an anonymous
 * caller can make the registry neither read nor parse up to a megabyte per request.
 * <p>
 * The identity is the request's own (the one {@link ApiAuthMechanism} establishes, memoized by
 * Quarkus Security), so {@link ApiAuthFilter} later takes it without signing in a second time. Whether
 * a signed-in caller may do what it asks (its role in the project, a token's scopes) is still decided
 * by the services, after the body (at most {@link ApiBodyLimits#MAX_JSON_BYTES}) is parsed.
 */
@ApplicationScoped
public class ApiWriteGate {

    /**
     * After Quarkus Security's authentication (order -200, where the request's deferred identity is
     * set) and authorization (-100) filters, before {@link ApiBodyLimits} reads a body of unknown length.
     */
    static final int ORDER = -50;

    private static final BiConsumer<RoutingContext, Throwable> ANSWERED_HERE = (ctx, failure) -> {
    };

    void install(@Observes Router router) {
        router.route(ApiAuthFilter.PREFIX + "*").order(ORDER).handler(ApiWriteGate::signedInWrites);
    }

    private static void signedInWrites(RoutingContext ctx) {
        if (!ApiBodyLimits.writes(ctx.request().method())) {
            ctx.next();
            return;
        }
        // A sign-in that fails is answered here, not by Quarkus' default (which fails the routing context).
        ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, ANSWERED_HERE);
        // Sign-in may finish on a worker thread (password hashes): go on on the request's own context.
        Context context = Vertx.currentContext();
        QuarkusHttpUser.getSecurityIdentity(ctx, null).emitOn(task -> context.runOnContext(v -> task.run())).subscribe().with(
                identity -> admit(ctx, identity),
                failure -> refuse(ctx, failure));
    }

    private static void admit(RoutingContext ctx, SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            unauthorized(ctx, "authentication required");
        } else {
            ctx.next();
        }
    }

    private static void refuse(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure instanceof AuthenticationFailedException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SignInThrottled throttled) {
            ApiBodyLimits.refuse(ctx, 429, Problem.codeOf(429), throttled.getMessage(), "Retry-After", Long.toString(throttled.retryAfterSeconds()));
        } else if (failure instanceof AuthenticationFailedException) {
            unauthorized(ctx, failure.getMessage() == null ? "authentication failed" : failure.getMessage());
        } else {
            ctx.fail(failure);
        }
    }

    private static void unauthorized(RoutingContext ctx, String detail) {
        ApiBodyLimits.refuse(ctx, 401, "UNAUTHORIZED", detail, "WWW-Authenticate", ApiAuthMechanism.CHALLENGE);
    }
}
