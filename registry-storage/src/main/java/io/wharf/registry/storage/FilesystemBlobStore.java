package io.wharf.registry.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.nio.file.ExtendedOpenOption;

import io.smallrye.mutiny.Uni;
import io.vertx.core.AsyncResult;
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

    private static final Pattern UPLOAD_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String DATA = "data";
    private static final String INFO = "info";
    private static final String LOCK = "lock";
    private static final int HASH_BUFFER_BYTES = 256 * 1024;
    /** Aligned write buffers kept for reuse (1 MiB each). */
    private static final int RETAINED_BUFFERS = 32;

    /**
     * Lock files this JVM holds a lock on. Checked before the file lock is tried: on POSIX,
     * closing any channel to a file drops every lock the process has on it, so a second channel
     * to a held lock file must never be opened and closed by this process.
     */
    private static final Set<Path> LOCKS_HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Vertx vertx;
    private final Path blobs;
    private final Path uploads;
    private final Options options;
    private final Map<String, RunningDigest> runningDigests = new ConcurrentHashMap<>();
    /**
     * Uploads' {@code info}, which never changes once written: read from disk once per process, not
     * on every request of an upload. An entry goes when this process sees its upload end.
     */
    private final Map<String, UploadInfo> infos = new ConcurrentHashMap<>();
    private final Future<Void> prepared;
    /** Set by {@link #prepare()}: buffers aligned for the upload filesystem's blocks. */
    private volatile AlignedBuffers buffers;
    /** Set by {@link #prepare()}: whether uploads are written with direct I/O. */
    private volatile boolean directIo;

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
        this.blobs = base.resolve("blobs");
        this.uploads = base.resolve("uploads");
        this.prepared = vertx.executeBlocking(this::prepare, false);
    }

    // ---------------------------------------------------------------- blobs

    @Override
    public Uni<Long> size(String digest) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().nullItem();
        }
        Path blob = blobPath(parsed);
        return run(context -> blocking(context, () -> sizeOrNull(blob)));
    }

    @Override
    public Uni<byte[]> readSmall(String digest, int maxBytes) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().nullItem();
        }
        Path blob = blobPath(parsed);
        return run(context -> blocking(context, () -> {
            Long size = sizeOrNull(blob);
            return size == null || size > maxBytes ? null : Files.readAllBytes(blob);
        }));
    }

    /** Always a {@link BlobRead.FileRegion}: the HTTP layer sends it with zero copy. */
    @Override
    public Uni<BlobRead> read(String digest, long offset, long length) {
        return run(context -> {
            BlobDigest parsed = BlobDigest.parse(digest);
            if (parsed == null) {
                return Future.failedFuture(blobNotFound(digest));
            }
            Path blob = blobPath(parsed);
            return blocking(context, () -> {
                Long size = sizeOrNull(blob);
                if (size == null) {
                    throw blobNotFound(digest);
                }
                if (offset < 0 || length < 0 || offset > size - length) {
                    throw new IllegalArgumentException(
                            "bytes " + offset + "+" + length + " are not within " + digest + " (" + size + " bytes)");
                }
                return new BlobRead.FileRegion(blob, offset, length);
            });
        });
    }

    @Override
    public Uni<Boolean> delete(String digest) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().item(false);
        }
        Path blob = blobPath(parsed);
        return run(context -> blocking(context, () -> Files.deleteIfExists(blob)));
    }

    // -------------------------------------------------------------- uploads

    @Override
    public Uni<UploadState> createUpload(String repository) {
        Objects.requireNonNull(repository, "repository");
        return run(context -> blocking(context, () -> {
            String id = UUID.randomUUID().toString();
            Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Path dir = uploads.resolve(id);
            Files.createDirectory(dir);
            UploadInfo info = new UploadInfo(repository, startedAt);
            writeInfo(dir.resolve(INFO), info);
            Files.createFile(dir.resolve(LOCK));
            Files.createFile(dir.resolve(DATA));
            infos.put(id, info);
            return new UploadState(id, repository, 0, startedAt);
        }));
    }

    @Override
    public Uni<UploadState> upload(String uploadId) {
        Path dir = uploadDir(uploadId);
        if (dir == null) {
            return Uni.createFrom().nullItem();
        }
        return run(context -> blocking(context, () -> {
            try {
                return state(uploadId, dir);
            } catch (UploadNotFoundException e) {
                return null;
            }
        }));
    }

    @Override
    public Uni<UploadState> append(String uploadId, long expectedOffset, ReadStream<Buffer> body) {
        Objects.requireNonNull(body, "body");
        return run(context -> {
            Path dir = uploadDir(uploadId);
            if (dir == null) {
                return Future.failedFuture(uploadNotFound(uploadId));
            }
            return blocking(context, () -> startAppend(uploadId, dir, expectedOffset))
                    .compose(append -> write(context, append, body)
                            .transform(written -> blocking(context, () -> finishAppend(append, written))));
        });
    }

    @Override
    public Uni<Long> commit(String uploadId, String digest) {
        return run(context -> {
            Path dir = uploadDir(uploadId);
            if (dir == null) {
                return Future.failedFuture(uploadNotFound(uploadId));
            }
            BlobDigest parsed = BlobDigest.parse(digest);
            if (parsed == null) {
                return Future.failedFuture(new IllegalArgumentException("unsupported digest: " + digest));
            }
            return blocking(context, () -> commitNow(uploadId, dir, parsed));
        });
    }

    @Override
    public Uni<Boolean> cancel(String uploadId) {
        Path dir = uploadDir(uploadId);
        if (dir == null) {
            return Uni.createFrom().item(false);
        }
        return run(context -> blocking(context, () -> {
            forget(uploadId);
            boolean existed = Files.deleteIfExists(dir.resolve(DATA));
            deleteUploadDir(dir);
            return existed;
        }));
    }

    @Override
    public Uni<List<String>> committedBetween(Instant since, Instant until) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        return run(context -> blocking(context, () -> {
            List<String> found = new ArrayList<>();
            for (String algorithm : BlobDigest.ALGORITHMS) {
                Path dir = blobs.resolve(algorithm);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(dir, 2)) {
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        Instant modified = Files.getLastModifiedTime(file).toInstant();
                        String digest = algorithm + ":" + file.getFileName();
                        if (!modified.isBefore(since) && modified.isBefore(until) && BlobDigest.parse(digest) != null) {
                            found.add(digest);
                        }
                    }
                }
            }
            return found;
        }));
    }

    @Override
    public Uni<Integer> purgeUploadsOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        return run(context -> blocking(context, () -> {
            Instant cutoff = Instant.now().minus(age);
            int purged = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(uploads)) {
                for (Path dir : entries) {
                    String id = dir.getFileName().toString();
                    if (UPLOAD_ID.matcher(id).matches() && purgeIfIdleSince(id, dir, cutoff)) {
                        purged++;
                    }
                }
            }
            return purged;
        }));
    }

    // ------------------------------------------------------------ appending

    /** An append between taking the upload's lock and giving it back. */
    private static final class Append {
        final String id;
        final Path data;
        final UploadLock lock;
        final UploadInfo info;
        final long start;
        /** The upload's running SHA-256, continued by this append; {@code null} when not known. */
        final MessageDigest digest;
        /** The running SHA-256 as it was at {@link #start}, to put back if the append fails. */
        final MessageDigest digestAtStart;
        FileChannel channel;
        /** The same file with {@code O_DIRECT}, or {@code null}. */
        FileChannel direct;

        Append(String id, Path data, UploadLock lock, UploadInfo info, long start, MessageDigest digest) {
            this.id = id;
            this.data = data;
            this.lock = lock;
            this.info = info;
            this.start = start;
            this.digest = digest;
            this.digestAtStart = digest == null ? null : copy(digest);
        }

        /** Opens the upload's file; with direct I/O as well when the append starts on a block boundary. */
        void open(boolean directIo, int alignment) throws IOException {
            channel = FileChannel.open(data, StandardOpenOption.WRITE);
            if (directIo && start % alignment == 0) {
                direct = FileChannel.open(data, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            }
        }

        void closeFile() throws IOException {
            try (FileChannel a = channel; FileChannel b = direct) {
                channel = null;
                direct = null;
            }
        }
    }

    private Append startAppend(String id, Path dir, long expectedOffset) throws IOException {
        UploadLock lock = lock(id, dir);
        try {
            UploadState state = state(id, dir);
            if (expectedOffset != -1 && expectedOffset != state.size()) {
                throw new UploadOffsetException(state.size(), expectedOffset);
            }
            RunningDigest running = runningDigests.remove(id);
            MessageDigest digest;
            if (running != null && running.length() == state.size()) {
                digest = running.sha256();
            } else {
                // Empty: start hashing. Otherwise the bytes so far are unknown to this process;
                // the commit will hash the file.
                digest = state.size() == 0 ? BlobDigest.messageDigest("sha256") : null;
            }
            Append append = new Append(id, dir.resolve(DATA), lock, new UploadInfo(state.repository(), state.startedAt()),
                    state.size(), digest);
            try {
                append.open(directIo, buffers.alignment());
            } catch (NoSuchFileException e) {
                append.closeFile();
                throw uploadNotFound(id);
            } catch (IOException | RuntimeException e) {
                append.closeFile();
                throw e;
            }
            return append;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Streams {@code body} to the end of the upload's file. Runs on the caller's context. */
    private Future<Long> write(Context context, Append append, ReadStream<Buffer> body) {
        try {
            return new UploadWriter(context, append.channel, append.direct, buffers, append.start, append.digest).drain(body);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private UploadState finishAppend(Append append, AsyncResult<Long> written) throws Exception {
        try (append.lock) {
            append.closeFile();
            if (written.failed()) {
                restore(append);
                throw notFoundIfMissing(written.cause(), append.id);
            }
            long size;
            try {
                size = Files.size(append.data);
            } catch (NoSuchFileException e) {
                throw uploadNotFound(append.id); // cancelled or purged while the body streamed in
            }
            if (append.digest != null && size == append.start + written.result()) {
                runningDigests.put(append.id, new RunningDigest(append.digest, size));
            }
            return new UploadState(append.id, append.info.repository(), size, append.info.startedAt());
        }
    }

    /** Cuts the upload back to where the failed append started. */
    private void restore(Append append) throws IOException {
        try (FileChannel channel = FileChannel.open(append.data, StandardOpenOption.WRITE)) {
            channel.truncate(append.start);
            if (append.digestAtStart != null) {
                runningDigests.put(append.id, new RunningDigest(append.digestAtStart, append.start));
            }
        } catch (NoSuchFileException gone) {
            // Cancelled meanwhile: nothing to restore.
        }
    }

    // ------------------------------------------------------------ committing

    private long commitNow(String id, Path dir, BlobDigest digest) throws IOException {
        Path data = dir.resolve(DATA);
        long size;
        String actual;
        try (UploadLock ignored = lock(id, dir)) {
            RunningDigest running = runningDigests.remove(id);
            try {
                size = Files.size(data);
                actual = digest.algorithm().equals("sha256") && running != null && running.length() == size
                        ? HexFormat.of().formatHex(running.sha256().digest())
                        : hashFile(data, digest);
                if (!actual.equals(digest.hex())) {
                    Files.delete(data);
                } else if (Files.exists(blobPath(digest))) {
                    Files.delete(data); // one copy per digest: keep the one there
                    // ...as freshly committed: a reconciliation looking for unrecorded old blobs
                    // must not take it while its new owner is being recorded.
                    Files.setLastModifiedTime(blobPath(digest), java.nio.file.attribute.FileTime.from(Instant.now()));
                } else {
                    moveIntoPlace(data, blobPath(digest));
                }
            } catch (NoSuchFileException e) {
                throw uploadNotFound(id); // cancelled or purged meanwhile
            }
        }
        infos.remove(id);
        deleteUploadDir(dir);
        if (!actual.equals(digest.hex())) {
            throw new DigestMismatchException(
                    "upload " + id + " hashes to " + digest.algorithm() + ":" + actual + ", not " + digest);
        }
        return size;
    }

    private void moveIntoPlace(Path data, Path blob) throws IOException {
        if (options.fsync()) {
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        Path parent = blob.getParent();
        boolean newParent = Files.notExists(parent);
        Files.createDirectories(parent);
        Files.move(data, blob, StandardCopyOption.ATOMIC_MOVE);
        if (options.fsync()) {
            forceDirectory(parent);
            if (newParent) {
                forceDirectory(parent.getParent());
            }
        }
    }

    private static String hashFile(Path file, BlobDigest digest) throws IOException {
        MessageDigest hash = digest.newMessageDigest();
        ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                hash.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(hash.digest());
    }

    /** Makes a rename in {@code dir} durable where the platform allows opening a directory. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupportedHere) {
            // Some platforms cannot open a directory; the rename is then as durable as the filesystem makes it.
        }
    }

    // ------------------------------------------------------------ upload files

    private record UploadInfo(String repository, Instant startedAt) {
    }

    /** Drops what this process keeps in memory about an upload that has ended. */
    private void forget(String id) {
        runningDigests.remove(id);
        infos.remove(id);
    }

    private record RunningDigest(MessageDigest sha256, long length) {
    }

    /** The upload's state from disk; {@link UploadNotFoundException} when it has no data. */
    private UploadState state(String id, Path dir) throws IOException {
        try {
            long size = Files.size(dir.resolve(DATA));
            UploadInfo info = infos.get(id);
            if (info == null) {
                info = readInfo(dir.resolve(INFO));
                infos.put(id, info);
            }
            return new UploadState(id, info.repository(), size, info.startedAt());
        } catch (NoSuchFileException e) {
            infos.remove(id);
            throw uploadNotFound(id);
        }
    }

    private static void writeInfo(Path file, UploadInfo info) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("repository", info.repository());
        properties.setProperty("startedAt", info.startedAt().toString());
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            properties.store(writer, "upload");
        }
    }

    private static UploadInfo readInfo(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        String repository = properties.getProperty("repository");
        String startedAt = properties.getProperty("startedAt");
        if (repository == null || startedAt == null) {
            throw new IOException("unreadable upload info: " + file);
        }
        return new UploadInfo(repository, Instant.parse(startedAt));
    }

    /** The upload's directory, or {@code null} when {@code id} is not an id this store hands out. */
    private Path uploadDir(String id) {
        return id != null && UPLOAD_ID.matcher(id).matches() ? uploads.resolve(id) : null;
    }

    private Path blobPath(BlobDigest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    private static Long sizeOrNull(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private boolean purgeIfIdleSince(String id, Path dir, Instant cutoff) throws IOException {
        Path data = dir.resolve(DATA);
        Instant lastWritten;
        try {
            lastWritten = Files.getLastModifiedTime(data).toInstant();
        } catch (NoSuchFileException noData) {
            deleteLeftoverOlderThan(dir, cutoff);
            return false;
        }
        if (!lastWritten.isBefore(cutoff)) {
            return false;
        }
        try (UploadLock lock = tryLock(id, dir)) {
            if (lock == null || !Files.deleteIfExists(data)) {
                return false; // being written right now, or gone meanwhile
            }
            forget(id);
        } catch (UploadNotFoundException gone) {
            return false;
        }
        deleteUploadDir(dir);
        return true;
    }

    /**
     * Removes an upload directory without data (left by a commit or cancel that stopped halfway)
     * once it is older than {@code cutoff}; an upload being created right now is younger.
     */
    private static void deleteLeftoverOlderThan(Path dir, Instant cutoff) throws IOException {
        try {
            if (Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
                deleteUploadDir(dir);
            }
        } catch (NoSuchFileException gone) {
            // Removed meanwhile.
        }
    }

    /** Removes what is left of an upload's directory; what cannot be removed now the next sweep removes. */
    private static void deleteUploadDir(Path dir) {
        try {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException leftForTheSweep) {
            // Invisible: without data the upload does not exist.
        }
    }

    /**
     * Creates the layout, removes upload directories a crash left without data, and finds out
     * whether uploads can be written with direct I/O here.
     */
    private Void prepare() throws IOException {
        Files.createDirectories(uploads);
        for (String algorithm : BlobDigest.ALGORITHMS) {
            Files.createDirectories(blobs.resolve(algorithm));
        }
        buffers = new AlignedBuffers(alignment(uploads), RETAINED_BUFFERS);
        directIo = options.directIo() && directIoWorks();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(uploads)) {
            for (Path dir : entries) {
                if (UPLOAD_ID.matcher(dir.getFileName().toString()).matches()
                        && Files.isDirectory(dir) && Files.notExists(dir.resolve(DATA))) {
                    deleteUploadDir(dir);
                }
            }
        }
        return null;
    }

    /** The block size direct writes must be aligned to: the filesystem's, within sane bounds. */
    private static int alignment(Path dir) {
        try {
            long size = Files.getFileStore(dir).getBlockSize();
            if (size >= 512 && size <= 65536 && Long.bitCount(size) == 1) {
                return (int) size;
            }
        } catch (IOException | UnsupportedOperationException unknown) {
            // The common block size below.
        }
        return 4096;
    }

    /** Writes one aligned block with {@code O_DIRECT} to a scratch file: some filesystems refuse (tmpfs). */
    private boolean directIoWorks() {
        Path probe = uploads.resolve(".direct-io-probe-" + UUID.randomUUID());
        ByteBuffer block = buffers.take();
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            block.limit(buffers.alignment());
            return channel.write(block, 0) == buffers.alignment();
        } catch (IOException | UnsupportedOperationException refused) {
            return false;
        } finally {
            buffers.give(block);
            try {
                Files.deleteIfExists(probe);
            } catch (IOException leftBehind) {
                // A stray probe file is harmless: nothing reads names that are not upload ids.
            }
        }
    }

    /** Whether uploads are written with direct I/O (known once the store has prepared). */
    boolean usesDirectIo() {
        prepared.toCompletionStage().toCompletableFuture().join();
        return directIo;
    }

    // -------------------------------------------------------------- locking

    /** The upload's lock, held by this store until closed. */
    private record UploadLock(Path file, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                channel.close(); // releases the file lock
            } finally {
                LOCKS_HELD_IN_THIS_JVM.remove(file);
            }
        }
    }

    /** The upload's lock; {@link UploadBusyException} when another append or commit holds it. */
    private UploadLock lock(String id, Path dir) throws IOException {
        UploadLock lock = tryLock(id, dir);
        if (lock == null) {
            Long size = sizeOrNull(dir.resolve(DATA));
            throw new UploadBusyException(id, size == null ? 0 : size);
        }
        return lock;
    }

    /** The upload's lock, or {@code null} when it is held (by this process or another). */
    private UploadLock tryLock(String id, Path dir) throws IOException {
        Path file = dir.resolve(LOCK);
        if (!LOCKS_HELD_IN_THIS_JVM.add(file)) {
            return null;
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FileLock fileLock;
            try {
                fileLock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                fileLock = null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (fileLock == null) {
                channel.close(); // this process holds no lock on the file, so closing drops none
                LOCKS_HELD_IN_THIS_JVM.remove(file);
                return null;
            }
            return new UploadLock(file, channel);
        } catch (NoSuchFileException e) {
            LOCKS_HELD_IN_THIS_JVM.remove(file);
            throw uploadNotFound(id);
        } catch (IOException | RuntimeException e) {
            LOCKS_HELD_IN_THIS_JVM.remove(file);
            throw e;
        }
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

    private static Exception notFoundIfMissing(Throwable failure, String id) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchFileException) {
                return uploadNotFound(id);
            }
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return (Exception) failure;
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static UploadNotFoundException uploadNotFound(String id) {
        return new UploadNotFoundException("no upload " + id);
    }

    private static BlobNotFoundException blobNotFound(String digest) {
        return new BlobNotFoundException("no blob " + digest);
    }
}
