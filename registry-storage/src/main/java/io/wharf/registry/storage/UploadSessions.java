package io.wharf.registry.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.nio.file.ExtendedOpenOption;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.wharf.registry.storage.UploadFiles.UploadInfo;

/**
 * Upload sessions on disk: starting, appending (through {@link UploadWriter}), committing into
 * {@link BlobFiles} and cancelling. Keeps per process what can be rebuilt from disk: each upload's
 * running SHA-256 while this process appends to it, and its {@code info}. Methods block, except
 * {@link #write}, which runs on the request's context.
 */
final class UploadSessions {

    private static final int HASH_BUFFER_BYTES = 256 * 1024;
    /** Aligned write buffers kept for reuse (1 MiB each). */
    private static final int RETAINED_BUFFERS = 32;

    private final UploadFiles files;
    private final BlobFiles blobs;
    private final Map<String, RunningDigest> runningDigests = new ConcurrentHashMap<>();
    /**
     * Uploads' {@code info}, which never changes once written: read from disk once per process, not
     * on every request of an upload. An entry goes when this process sees its upload end.
     */
    private final Map<String, UploadInfo> infos = new ConcurrentHashMap<>();
    /** Set by {@link #prepare}: buffers aligned for the upload filesystem's blocks. */
    private volatile AlignedBuffers buffers;
    /** Set by {@link #prepare}: whether uploads are written with direct I/O. */
    private volatile boolean directIo;

    private record RunningDigest(MessageDigest sha256, long length) {
    }

    UploadSessions(UploadFiles files, BlobFiles blobs) {
        this.files = files;
        this.blobs = blobs;
    }

    /**
     * Finds out how uploads are written here: the filesystem's block size, and whether direct I/O
     * works (when {@code wantDirectIo}). The uploads' directory must exist.
     */
    void prepare(boolean wantDirectIo) {
        buffers = new AlignedBuffers(alignment(files.root()), RETAINED_BUFFERS);
        directIo = wantDirectIo && directIoWorks();
    }

    /** Whether uploads are written with direct I/O; known once {@link #prepare}d. */
    boolean usesDirectIo() {
        return directIo;
    }

    // ------------------------------------------------------------- sessions

    UploadState create(String repository) throws IOException {
        String id = UUID.randomUUID().toString();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Path dir = files.root().resolve(id);
        Files.createDirectory(dir);
        UploadInfo info = new UploadInfo(repository, startedAt);
        UploadFiles.writeInfo(dir, info);
        Files.createFile(dir.resolve(UploadFiles.LOCK));
        Files.createFile(dir.resolve(UploadFiles.DATA));
        infos.put(id, info);
        return new UploadState(id, repository, 0, startedAt);
    }

    /** The upload's state from disk; {@link UploadNotFoundException} when it has no data. */
    UploadState state(String id, Path dir) throws IOException {
        try {
            long size = Files.size(dir.resolve(UploadFiles.DATA));
            UploadInfo info = infos.get(id);
            if (info == null) {
                info = UploadFiles.readInfo(dir);
                infos.put(id, info);
            }
            return new UploadState(id, info.repository(), size, info.startedAt());
        } catch (NoSuchFileException e) {
            infos.remove(id);
            throw UploadFiles.notFound(id);
        }
    }

    /** Removes the upload; {@code false} when it had no data. */
    boolean cancel(String id, Path dir) throws IOException {
        forget(id);
        boolean existed = Files.deleteIfExists(dir.resolve(UploadFiles.DATA));
        UploadFiles.deleteDir(dir);
        return existed;
    }

    /** Drops what this process keeps in memory about an upload that has ended. */
    void forget(String id) {
        runningDigests.remove(id);
        infos.remove(id);
    }

    // ------------------------------------------------------------ appending

    /** An append between taking the upload's lock ({@link #startAppend}) and giving it back ({@link #finishAppend}). */
    static final class Append {
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

    /**
     * Takes the upload's lock and opens its file at its end, which must be {@code expectedOffset}
     * ({@code -1}: anywhere). The caller {@link #write}s and then {@link #finishAppend}s.
     */
    Append startAppend(String id, Path dir, long expectedOffset) throws IOException {
        UploadLock lock = UploadLock.lock(id, dir);
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
            Append append = new Append(id, dir.resolve(UploadFiles.DATA), lock,
                    new UploadInfo(state.repository(), state.startedAt()), state.size(), digest);
            try {
                append.open(directIo, buffers.alignment());
            } catch (NoSuchFileException e) {
                append.closeFile();
                throw UploadFiles.notFound(id);
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
    Future<Long> write(Context context, Append append, ReadStream<Buffer> body) {
        try {
            return new UploadWriter(context, append.channel, append.direct, buffers, append.start, append.digest).drain(body);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** Gives the lock back; on a failed write, first cuts the upload back to where the append started. */
    UploadState finishAppend(Append append, AsyncResult<Long> written) throws Exception {
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
                throw UploadFiles.notFound(append.id); // cancelled or purged while the body streamed in
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

    /**
     * Verifies the upload's bytes against {@code digest} and admits them into {@link BlobFiles};
     * removes the upload either way. Returns the blob's size.
     */
    long commit(String id, Path dir, BlobDigest digest) throws IOException {
        Path data = dir.resolve(UploadFiles.DATA);
        long size;
        String actual;
        try (UploadLock ignored = UploadLock.lock(id, dir)) {
            RunningDigest running = runningDigests.remove(id);
            try {
                size = Files.size(data);
                actual = digest.algorithm().equals("sha256") && running != null && running.length() == size
                        ? HexFormat.of().formatHex(running.sha256().digest())
                        : hashFile(data, digest);
                if (!actual.equals(digest.hex())) {
                    Files.delete(data);
                } else {
                    blobs.admit(data, digest);
                }
            } catch (NoSuchFileException e) {
                throw UploadFiles.notFound(id); // cancelled or purged meanwhile
            }
        }
        infos.remove(id);
        UploadFiles.deleteDir(dir);
        if (!actual.equals(digest.hex())) {
            throw new DigestMismatchException(
                    "upload " + id + " hashes to " + digest.algorithm() + ":" + actual + ", not " + digest);
        }
        return size;
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

    // ------------------------------------------------------------ direct I/O

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
        Path probe = files.root().resolve(".direct-io-probe-" + UUID.randomUUID());
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

    // ------------------------------------------------------------ helpers

    private static Exception notFoundIfMissing(Throwable failure, String id) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchFileException) {
                return UploadFiles.notFound(id);
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
}
