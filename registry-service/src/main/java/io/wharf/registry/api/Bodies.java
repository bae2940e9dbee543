package io.wharf.registry.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.api.fastpath.FastPath;
import io.wharf.registry.oci.OciError;

/** Request bodies: the upload stream, small bodies (manifests) read whole with a hard size limit, and {@code Expect: 100-continue}. */
final class Bodies {

    /** Routing-context key of the request's tapped body, when {@link FastPath#claimBody} gave one. */
    static final String TAPPED = "wharf.tapped-body";

    private static final String CONTINUED = "wharf.continued";

    private Bodies() {
    }

    /**
     * The request's body as a stream: the tapped body when the upload's body was tapped,
     * else the (paused) request itself. Either must be resumed, or read to its end, before the
     * connection can take its next request.
     */
    static ReadStream<Buffer> stream(RoutingContext ctx) {
        proceed(ctx);
        ReadStream<Buffer> tapped = ctx.get(TAPPED);
        return tapped != null ? tapped : ctx.request();
    }

    /**
     * Tells a client that holds its body back until asked ({@code Expect: 100-continue}, as curl
     * sends for large uploads) to send it: once per request, when an endpoint is about to read it,
     * so a request refused before that (no such upload, no permission) never makes the client
     * send its body.
     */
    static void proceed(RoutingContext ctx) {
        if (awaitsContinue(ctx)) {
            ctx.put(CONTINUED, Boolean.TRUE);
            ctx.response().writeContinue();
        }
    }

    /** True while the client waits for a 100 Continue that has not been sent. */
    static boolean awaitsContinue(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        return request.version() != HttpVersion.HTTP_2 && ctx.get(CONTINUED) == null
                && "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
    }

    /**
     * True when the request may carry a body: a positive Content-Length, chunked encoding, or
     * HTTP/2 without a Content-Length (HTTP/2 frames a body of unknown length without any header;
     * reading it then finds out, possibly that it is empty).
     */
    static boolean present(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        if (request.version() == HttpVersion.HTTP_2) {
            return true;
        }
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase().contains("chunked");
    }

    /**
     * The whole body, failing with a 413 as soon as it exceeds {@code max} bytes (by its
     * Content-Length, or while it streams in). The request is expected to be paused.
     */
    static Uni<Buffer> read(RoutingContext ctx, int max) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return Uni.createFrom().failure(OciError.SIZE_INVALID.exception("Content-Length is not a number"));
            }
            if (declared > max) {
                return Uni.createFrom().failure(OciError.MANIFEST_TOO_LARGE.exception("manifest is larger than " + max + " bytes"));
            }
        }
        return Uni.createFrom().emitter(emitter -> {
            Buffer body = Buffer.buffer();
            boolean[] failed = {false};
            request.handler(chunk -> {
                if (failed[0]) {
                    return;
                }
                if (body.length() + chunk.length() > max) {
                    failed[0] = true;
                    emitter.fail(OciError.MANIFEST_TOO_LARGE.exception("manifest is larger than " + max + " bytes"));
                    return;
                }
                body.appendBuffer(chunk);
            });
            request.exceptionHandler(e -> {
                if (!failed[0]) {
                    failed[0] = true;
                    emitter.fail(e);
                }
            });
            request.endHandler(v -> {
                if (!failed[0]) {
                    emitter.complete(body);
                }
            });
            proceed(ctx);
            request.resume();
        });
    }
}
