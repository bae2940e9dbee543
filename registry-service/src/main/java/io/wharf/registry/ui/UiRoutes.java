package io.wharf.registry.ui;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The web UI's static files ({@code META-INF/resources/ui/}) get their security and caching
 * headers here; {@code /} and {@code /ui} lead to {@code /ui/}.
 * <p>
 * Guarantees: every answer under {@code /ui/} carries a Content-Security-Policy that allows
 * scripts, styles and connections from this origin only (no inline script or style, no
 * framing), and {@code Cache-Control: no-cache}, so a browser revalidates each file and an
 * upgrade shows at once (the files are committed as they are, without content hashes).
 */
@ApplicationScoped
public class UiRoutes {

    /** The policy for every UI page. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.get("/").handler(UiRoutes::toUi);
        router.get("/ui").handler(UiRoutes::toUi);
        // Before the static handler: the headers are set when the answer's headers are written.
        router.route("/ui/*").order(-1000).handler(UiRoutes::secure);
    }

    private static void toUi(RoutingContext ctx) {
        if (ctx.request().path().endsWith("/") && ctx.request().path().length() > 1) {
            ctx.next(); // "/ui" also matches "/ui/": that one is the static index page
            return;
        }
        ctx.response().setStatusCode(302).putHeader("Location", "/ui/").end();
    }

    private static void secure(RoutingContext ctx) {
        ctx.addHeadersEndHandler(v -> {
            MultiMap h = ctx.response().headers();
            h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            h.set("Cache-Control", "no-cache");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("X-Frame-Options", "DENY");
        });
        ctx.next();
    }
}
