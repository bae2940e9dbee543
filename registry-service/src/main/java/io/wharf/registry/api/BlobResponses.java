package io.wharf.registry.api;

import java.io.FileNotFoundException;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.wharf.registry.storage.BlobNotFoundException;
import io.wharf.registry.storage.BlobRead;

/**
 * Answers a blob GET or HEAD: the headers that describe the blob (or the asked range of it), and
 * the bytes as the {@code BlobStore} hands them out ({@link BlobRead}). Bytes are never gathered
 * in memory: a file region goes out with {@code sendfile} (zero copy), a stream is piped with
 * back-pressure, a redirect sends the client to where the blob is.
 */
final class BlobResponses {

    private BlobResponses() {
    }

    /**
     * Sets the status and headers of a blob's content: 200, or 206 with {@code Content-Range} for
     * {@code range}; {@code Content-Length} of what is sent. All a HEAD answers, without reading the
     * blob.
     */
    /** The headers of the whole blob (status 200), for a blob served from elsewhere (a proxy project's upstream). */
    static void describe(HttpServerResponse response, String digest, long size) {
        describe(response, digest, size, null);
    }

    static void describe(HttpServerResponse response, String digest, long size, ByteRange range) {
        response.putHeader(Responses.CONTENT_DIGEST, digest)
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("ETag", "\"" + digest + "\"")
                .putHeader("Cache-Control", "max-age=31536000");
        if (range != null) {
            response.setStatusCode(206).putHeader("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + size);
        }
        response.putHeader("Content-Length", Long.toString(range == null ? size : range.length()));
    }

    /**
     * Answers a GET of the blob {@code digest} ({@code size} bytes; {@code range} asked, or null)
     * with {@code read}, the store's answer for that range. A redirect is a 307 to its location,
     * which serves the whole blob: the client asks there for its range. Fails with
     * {@link BlobNotFoundException} when the blob's file is gone by the time it is opened
     * (nothing was written then); fails once bytes are on the wire when the source or the client
     * fails.
     */
    static Future<Void> send(HttpServerResponse response, String digest, long size, ByteRange range, BlobRead read) {
        if (read instanceof BlobRead.Redirect redirect) {
            response.setStatusCode(307)
                    .putHeader(Responses.CONTENT_DIGEST, digest)
                    .putHeader("Location", redirect.location().toString())
                    .putHeader("Content-Length", "0");
            return response.end();
        }
        describe(response, digest, size, range);
        if (read instanceof BlobRead.FileRegion region) {
            if (region.length() == 0) {
                return response.end(); // sendFile takes a zero length for "the rest of the file"
            }
            return response.sendFile(region.file().toString(), region.offset(), region.length())
                    .recover(failure -> Future.failedFuture(failure instanceof FileNotFoundException && !response.headWritten()
                            ? new BlobNotFoundException("no blob " + digest + ": its file went before it was sent")
                            : failure));
        }
        BlobRead.Stream stream = (BlobRead.Stream) read;
        // Not ended on failure: a response cut short must be reset, not ended as if complete.
        return stream.body().pipe().endOnFailure(false).to(response)
                .onFailure(failure -> stream.release().run());
    }
}
