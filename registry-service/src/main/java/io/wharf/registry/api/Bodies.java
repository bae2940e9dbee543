package io.wharf.registry.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.oci.OciError;

/** Reading small request bodies (manifests) with a hard size limit. */
final class Bodies {

    /** Routing-context key of the request's {@link TappedBody}, when {@link BodyTap} took it. */
    static final String TAPPED = "wharf.tapped-body";

    private Bodies() {
    }

    /**
     * The request's body as a stream: the {@link TappedBody} when the upload's body was tapped,
     * else the (paused) request itself. Either must be resumed, or read to its end, before the
     * connection can take its next request.
     */
    static ReadStream<Buffer> stream(RoutingContext ctx) {
        TappedBody tapped = ctx.get(TAPPED);
        return tapped != null ? tapped : ctx.request();
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
    static Uni<Buffer> read(HttpServerRequest request, int max) {
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
            request.resume();
        });
    }
}
