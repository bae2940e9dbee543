package io.wharf.registry.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Where the bytes of a blob read are, as {@link BlobStore#read} hands them out: the store says
 * where, the HTTP layer decides how to put them on the wire. One of three kinds, so that every
 * server of blobs handles all of them:
 * <ul>
 *   <li>{@link FileRegion}: a part of a local file, for zero-copy sending ({@code sendfile}).</li>
 *   <li>{@link Stream}: the bytes as a stream, for stores whose bytes are elsewhere (an object store
 *       read through its API).</li>
 *   <li>{@link Redirect}: a URL the client fetches the blob from itself (a presigned object URL).</li>
 * </ul>
 */
public sealed interface BlobRead {

    /**
     * Bytes {@code [offset, offset + length)} of {@code file}, which held the whole blob when the
     * read was answered. Nothing is open: whoever serves it opens the file (and answers as for a
     * missing blob when it has gone meanwhile, deleted by garbage collection).
     */
    record FileRegion(Path file, long offset, long length) implements BlobRead {
        public FileRegion {
            Objects.requireNonNull(file, "file");
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("a region starts and lasts at least 0 bytes: " + offset + "+" + length);
            }
        }
    }

    /**
     * Exactly the {@code length} bytes asked for, as a paused stream the reader resumes (by piping
     * it, with back-pressure; nothing buffers the whole blob). A reader that stops before the end
     * (the client went away) calls {@code release}, which frees what the stream holds (a connection,
     * a file) and does nothing once the stream has ended.
     */
    record Stream(ReadStream<Buffer> body, long length, Runnable release) implements BlobRead {
        public Stream {
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(release, "release");
            if (length < 0) {
                throw new IllegalArgumentException("a stream lasts at least 0 bytes: " + length);
            }
        }
    }

    /**
     * The whole blob is at {@code location}, for a limited time. The client is sent there and asks
     * that server for the range it wants (a {@code Range} header is answered there, not here).
     */
    record Redirect(URI location) implements BlobRead {
        public Redirect {
            Objects.requireNonNull(location, "location");
        }
    }
}
