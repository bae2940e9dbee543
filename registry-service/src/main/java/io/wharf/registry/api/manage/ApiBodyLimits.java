package io.wharf.registry.api.manage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wharf.problem.Problem;

/**
 * Bounds every request body of the management API ({@code /api/}) before any of it is read: the
 * server-wide limit ({@code quarkus.http.limits.max-body-size}) is as large as the biggest layer an
 * upload to {@code /v2/} may carry, which must not be what an anonymous JSON request may send.
 * <p>
 * A body announced larger than its route's limit is refused with 413 and a problem body at once, its
 * bytes never read (the connection is closed after the answer, so the client stops sending). A body of
 * unknown length (chunked) is read through Vert.x's {@link BodyHandler} up to the limit, which refuses
 * the same way when the limit is crossed; Quarkus REST then takes the body already read. That read
 * comes only after {@link ApiWriteGate} let the request through, so an anonymous write is refused
 * before any of its body is read. The UI's pass-through ({@code /ui-api/}) streams bodies on, so there
 * a body must announce its size.
 */
@ApplicationScoped
public class ApiBodyLimits {

    /** The largest JSON body of any management request. */
    public static final long MAX_JSON_BYTES = 1024 * 1024;

    private static final String README_SUFFIX = "/readme";
    /** At most this much of a refused body is read (and dropped) before its connection is closed. */
    private static final long LINGER_BYTES = 1024 * 1024;
    /** A refused body's connection is closed once nothing more came for this long. */
    private static final long LINGER_IDLE_MS = 500;

    private final BodyHandler jsonBodies = BodyHandler.create(false).setBodyLimit(MAX_JSON_BYTES);
    private final BodyHandler readmeBodies = BodyHandler.create(false).setBodyLimit(RepositoryResource.MAX_README_BYTES);

    /** Where sizes are checked: first of all, before Quarkus Security, Quarkus REST and the UI pass-through. */
    private static final int ANNOUNCED_ORDER = -900;
    /** Where a body of unknown length is read: after the write gate, before Quarkus REST. */
    private static final int READ_ORDER = ApiWriteGate.ORDER + 10;

    void install(@Observes Router router) {
        router.route("/ui-api/*").order(ANNOUNCED_ORDER).handler(ApiBodyLimits::announcedOnly);
        router.route("/api/*").order(ANNOUNCED_ORDER).handler(ApiBodyLimits::announced);
        router.route("/api/*").order(READ_ORDER).handler(this::readUnannounced).failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                tooLarge(ctx, limitOf(ctx.request())); // the body handler crossed the limit of a chunked body
            } else {
                ctx.next();
            }
        });
    }

    /** The limit of a request's body: a README has its own, every other management body is JSON. */
    static long limitOf(HttpServerRequest request) {
        return request.method() == HttpMethod.PUT && request.path().endsWith(README_SUFFIX)
                ? RepositoryResource.MAX_README_BYTES : MAX_JSON_BYTES;
    }

    /** True for the methods whose requests may carry a body here: every one but GET, HEAD and OPTIONS. */
    static boolean writes(HttpMethod method) {
        return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    }

    /** Refuses a body announced too large (or a Content-Length that is no number), reading nothing. */
    private static void announced(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || !writes(request.method()) || !refusedAnnounced(ctx, length, limitOf(request))) {
            ctx.next();
        }
    }

    /** Reads a body of unknown length up to its limit: chunked, or HTTP/2 (which needs no Content-Length). */
    private void readUnannounced(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!writes(request.method()) || request.getHeader(HttpHeaders.CONTENT_LENGTH) != null) {
            ctx.next();
            return;
        }
        // An empty body passes through.
        (limitOf(request) == MAX_JSON_BYTES ? jsonBodies : readmeBodies).handle(ctx);
    }

    /**
     * The UI's pass-through to the notifier and deployer streams bodies on as they come, so a body's
     * size must be announced: over the JSON limit is 413, unknown is 411 (a browser always announces it).
     */
    private static void announcedOnly(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        HttpMethod method = request.method();
        boolean carriesBody = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
        if (length == null && carriesBody && !request.isEnded()) {
            refuse(ctx, 411, "LENGTH_REQUIRED", "a request body must announce its Content-Length here");
        } else if (length == null || !refusedAnnounced(ctx, length, MAX_JSON_BYTES)) {
            ctx.next();
        }
    }

    /** Refuses a body announced larger than {@code limit} (413) or with a Content-Length that is no number (400); true when it did. */
    private static boolean refusedAnnounced(RoutingContext ctx, String length, long limit) {
        long announced;
        try {
            announced = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            refuse(ctx, 400, Problem.INVALID_REQUEST, "Content-Length must be a number of bytes");
            return true;
        }
        if (announced > limit) {
            tooLarge(ctx, limit);
            return true;
        }
        return false;
    }

    private static void tooLarge(RoutingContext ctx, long limit) {
        refuse(ctx, 413, "TOO_LARGE", "the request body must be at most " + limit + " bytes here");
    }

    private static void refuse(RoutingContext ctx, int status, String code, String detail) {
        refuse(ctx, status, code, detail, null, null);
    }

    /**
     * Answers with a problem body (and {@code header}, when not null) without reading the request's
     * body; over HTTP/1 a body still on its way ends the connection after the answer.
     */
    static void refuse(RoutingContext ctx, int status, String code, String detail, String header, String value) {
        if (ctx.response().ended()) {
            return;
        }
        HttpServerRequest request = ctx.request();
        // The client may still be sending the body: over HTTP/1, stop it by closing the connection.
        boolean close = !request.isEnded() && request.version() != HttpVersion.HTTP_2;
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (header != null) {
            ctx.response().putHeader(header, value);
        }
        if (close) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        ctx.response().end(Json.encode(Problem.of(status, code, detail))).onComplete(sent -> {
            if (close) {
                closeAfterLinger(ctx, request);
            }
        });
    }

    /**
     * Closes the connection once the client has stopped sending: the body still arriving is read and
     * dropped, up to {@link #LINGER_BYTES}, until it ends or nothing came for {@link #LINGER_IDLE_MS}.
     * Closing with unread bytes in the socket makes the kernel reset the connection, and a reset can
     * throw away the answer before the client has read it (a lingering close, as web servers do).
     */
    private static void closeAfterLinger(RoutingContext ctx, HttpServerRequest request) {
        Runnable close = () -> request.connection().close();
        if (request.isEnded()) {
            close.run();
            return;
        }
        io.vertx.core.Vertx vertx = ctx.vertx();
        long[] dropped = {0};
        long[] idle = {vertx.setTimer(LINGER_IDLE_MS, id -> close.run())};
        try {
            request.handler(chunk -> {
                vertx.cancelTimer(idle[0]);
                dropped[0] += chunk.length();
                if (dropped[0] > LINGER_BYTES) {
                    close.run();
                } else {
                    idle[0] = vertx.setTimer(LINGER_IDLE_MS, id -> close.run());
                }
            });
            request.endHandler(end -> {
                vertx.cancelTimer(idle[0]);
                close.run();
            });
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            vertx.cancelTimer(idle[0]);
            close.run();
        }
    }
}
