package io.wharf.registry.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * {@link BlobStore} on a filesystem. Everything lives under one root:
 *
 * <pre>{@code
 * <root>/
 *   blobs/sha256/ab/abcdef…   committed blob bytes, named by digest; never rewritten in place
 *   blobs/sha512/12/1234…
 *   uploads/<id>/info         repository and start time (written first)
 *   uploads/<id>/lock         file locked while an append or commit runs on the upload
 *   uploads/<id>/data         bytes received so far (created last: the upload exists while it does)
 * }</pre>
 *
 * <p>Guarantees, on top of the {@link BlobStore} contract:
 * <ul>
 *   <li>A file appears under {@code blobs/} only by an atomic rename of a complete upload whose
 *       bytes were hashed and matched, and (with {@link Options#fsync()}) forced to disk before
 *       the rename and the directory entry after it. A crash never leaves a partial blob; it
 *       leaves either the whole upload (commit again) or its directory without {@code data},
 *       which the sweep run when the store is created removes. {@code blobs/} and
 *       {@code uploads/} must be on the same filesystem, as they are under one root.</li>
 *   <li>Bytes are streamed from the request body into the upload's file with back-pressure, in
 *       chunks of 1 MiB written with direct I/O ({@code O_DIRECT}) where the filesystem allows it
 *       (see {@link UploadWriter}; {@link Options#directIo()}). The running SHA-256 of each upload
 *       is kept in memory while this process appends; when it is missing (an upload from before a
 *       restart) or stale (another process appended), the commit hashes the file instead.</li>
 *   <li>At most one append or commit runs on an upload, across processes as well (a lock on
 *       {@code lock}); a second one fails at once with {@link UploadBusyException}. A failed
 *       append is cut back to where it started; only a crash mid-append can keep part of a chunk,
 *       which the upload's size then reports.</li>
 *   <li>Upload ids are random UUIDs; any other id is an unknown upload, so no id reaches a path
 *       outside {@code uploads/}. Digests outside {@code sha256}/{@code sha512} hex are likewise
 *       unknown blobs.</li>
 *   <li>Blocking file work runs on worker threads ({@code executeBlocking}, unordered); results
 *       come back on the Vert.x context of the caller. Call {@link #append} from the context of
 *       the request whose body it reads, as a route handler does.</li>
 * </ul>
 * The startup sweep assumes no other process is creating or committing uploads under the same
 * root at that moment.
 *
 * <p>This class is a facade that runs blocking work off the event loop; the work is done by
 * {@link BlobFiles} (committed blobs, content-addressed), {@link UploadSessions} (start, append,
 * commit, cancel) and {@link UploadMaintenance} (the startup sweep, purging idle uploads), over
 * the upload layout of {@link UploadFiles} and the locks of {@link UploadLock}.
 */
public final class FilesystemBlobStore implements BlobStore {

    /**
     * Tuning of a {@link FilesystemBlobStore}.
     *
     * @param fsync    force an upload's bytes to disk before it is renamed into place, and the new
     *                 directory entry after; off only where losing recent blobs on power loss is fine
     *                 (tests, caches)
     * @param directIo write uploads with {@code O_DIRECT} when the filesystem supports it (probed when
     *                 the store starts; it falls back to buffered writes otherwise): far less CPU per
     *                 byte, and pushed layers do not crowd the page cache
     */
    public record Options(boolean fsync, boolean directIo) {
        /** fsync and direct I/O on. */
        public static Options defaults() {
            return new Options(true, true);
        }
    }

    private final Vertx vertx;
    private final Options options;
    private final UploadFiles uploadFiles;
    private final BlobFiles blobs;
    private final UploadSessions sessions;
    private final UploadMaintenance maintenance;
    private final Future<Void> prepared;

    /** A store with {@link Options#defaults()}; see {@link #FilesystemBlobStore(Vertx, Path, Options)}. */
    public FilesystemBlobStore(Vertx vertx, Path root) {
        this(vertx, root, Options.defaults());
    }

    /**
     * A store over {@code root}, created if missing. Does no blocking work itself: creating the
     * directories and sweeping leftovers of a crash run on a worker, and every operation waits
     * for them (and fails if they failed).
     */
    public FilesystemBlobStore(Vertx vertx, Path root, Options options) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        Path base = root.toAbsolutePath().normalize();
        this.blobs = new BlobFiles(base.resolve("blobs"), options.fsync());
        this.uploadFiles = new UploadFiles(base.resolve("uploads"));
        this.sessions = new UploadSessions(uploadFiles, blobs);
        this.maintenance = new UploadMaintenance(uploadFiles, sessions);
        this.prepared = vertx.executeBlocking(this::prepare, false);
    }

    // ---------------------------------------------------------------- blobs

    @Override
    public Uni<Long> size(String digest) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().nullItem();
        }
        return run(context -> blocking(context, () -> blobs.size(parsed)));
    }

    @Override
    public Uni<byte[]> readSmall(String digest, int maxBytes) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().nullItem();
        }
        return run(context -> blocking(context, () -> blobs.readSmall(parsed, maxBytes)));
    }

    /** Always a {@link BlobRead.FileRegion}: the HTTP layer sends it with zero copy. */
    @Override
    public Uni<BlobRead> read(String digest, long offset, long length) {
        return run(context -> {
            BlobDigest parsed = BlobDigest.parse(digest);
            if (parsed == null) {
                return Future.failedFuture(new BlobNotFoundException("no blob " + digest));
            }
            return blocking(context, () -> blobs.region(parsed, offset, length));
        });
    }

    @Override
    public Uni<Boolean> delete(String digest) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().item(false);
        }
        return run(context -> blocking(context, () -> blobs.delete(parsed)));
    }

    @Override
    public Uni<List<String>> committedBetween(Instant since, Instant until) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        return run(context -> blocking(context, () -> blobs.committedBetween(since, until)));
    }

    // -------------------------------------------------------------- uploads

    @Override
    public Uni<UploadState> createUpload(String repository) {
        Objects.requireNonNull(repository, "repository");
        return run(context -> blocking(context, () -> sessions.create(repository)));
    }

    @Override
    public Uni<UploadState> upload(String uploadId) {
        Path dir = uploadFiles.dir(uploadId);
        if (dir == null) {
            return Uni.createFrom().nullItem();
        }
        return run(context -> blocking(context, () -> {
            try {
                return sessions.state(uploadId, dir);
            } catch (UploadNotFoundException e) {
                return null;
            }
        }));
    }

    @Override
    public Uni<UploadState> append(String uploadId, long expectedOffset, ReadStream<Buffer> body) {
        Objects.requireNonNull(body, "body");
        return run(context -> {
            Path dir = uploadFiles.dir(uploadId);
            if (dir == null) {
                return Future.failedFuture(UploadFiles.notFound(uploadId));
            }
            return blocking(context, () -> sessions.startAppend(uploadId, dir, expectedOffset))
                    .compose(append -> sessions.write(context, append, body)
                            .transform(written -> blocking(context, () -> sessions.finishAppend(append, written))));
        });
    }

    @Override
    public Uni<Long> commit(String uploadId, String digest) {
        return run(context -> {
            Path dir = uploadFiles.dir(uploadId);
            if (dir == null) {
                return Future.failedFuture(UploadFiles.notFound(uploadId));
            }
            BlobDigest parsed = BlobDigest.parse(digest);
            if (parsed == null) {
                return Future.failedFuture(new IllegalArgumentException("unsupported digest: " + digest));
            }
            return blocking(context, () -> sessions.commit(uploadId, dir, parsed));
        });
    }

    @Override
    public Uni<Boolean> cancel(String uploadId) {
        Path dir = uploadFiles.dir(uploadId);
        if (dir == null) {
            return Uni.createFrom().item(false);
        }
        return run(context -> blocking(context, () -> sessions.cancel(uploadId, dir)));
    }

    // ---------------------------------------------------------- maintenance

    @Override
    public Uni<Integer> purgeUploadsOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        return run(context -> blocking(context, () -> maintenance.purgeOlderThan(age)));
    }

    /**
     * Creates the layout, finds out whether uploads can be written with direct I/O here, and
     * removes upload directories a crash left without data.
     */
    private Void prepare() throws IOException {
        Files.createDirectories(uploadFiles.root());
        blobs.prepare();
        sessions.prepare(options.directIo());
        maintenance.sweepAtStart();
        return null;
    }

    /** Whether uploads are written with direct I/O (known once the store has prepared). */
    boolean usesDirectIo() {
        prepared.toCompletionStage().toCompletableFuture().join();
        return sessions.usesDirectIo();
    }

    // ------------------------------------------------------------ plumbing

    /**
     * Runs {@code operation} once the store is prepared, with the Vert.x context of the
     * subscriber, and completes on that context.
     */
    private <T> Uni<T> run(Function<Context, Future<T>> operation) {
        return Uni.createFrom().completionStage(() -> {
            Context context = vertx.getOrCreateContext();
            if (prepared.succeeded()) {
                return start(operation, context).toCompletionStage();
            }
            Promise<T> result = Promise.promise();
            prepared.onComplete(ready -> {
                if (ready.failed()) {
                    result.fail(new IOException("blob store could not prepare its directories", ready.cause()));
                } else {
                    context.runOnContext(ignored -> start(operation, context).onComplete(result));
                }
            });
            return result.future().toCompletionStage();
        });
    }

    private static <T> Future<T> start(Function<Context, Future<T>> operation, Context context) {
        try {
            return operation.apply(context);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static <T> Future<T> blocking(Context context, Callable<T> work) {
        return context.executeBlocking(work, false);
    }
}
