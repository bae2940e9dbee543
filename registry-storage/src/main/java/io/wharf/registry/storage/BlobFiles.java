package io.wharf.registry.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Committed blobs on disk, under {@code <root>/blobs} (see {@link FilesystemBlobStore}): one file
 * per digest, at {@code <algorithm>/<first two hex digits>/<hex>}, which appears only by an atomic
 * rename of verified bytes ({@link #admit}) and is never rewritten in place. Blocking; no state
 * beyond the directory's path.
 */
final class BlobFiles {

    private final Path root;
    private final boolean fsync;

    /** @param fsync force admitted bytes and their directory entries to disk */
    BlobFiles(Path root, boolean fsync) {
        this.root = root;
        this.fsync = fsync;
    }

    /** Creates a directory per algorithm. */
    void prepare() throws IOException {
        for (String algorithm : BlobDigest.ALGORITHMS) {
            Files.createDirectories(root.resolve(algorithm));
        }
    }

    /** Size in bytes of the blob, or {@code null} when there is none. */
    Long size(BlobDigest digest) throws IOException {
        try {
            return Files.size(path(digest));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The whole blob, or {@code null} when there is none or it is larger than {@code maxBytes}. */
    byte[] readSmall(BlobDigest digest, int maxBytes) throws IOException {
        Long size = size(digest);
        return size == null || size > maxBytes ? null : Files.readAllBytes(path(digest));
    }

    /**
     * Bytes {@code [offset, offset + length)} of the blob; {@link BlobNotFoundException} when there
     * is none, {@link IllegalArgumentException} when the range is not within it.
     */
    BlobRead.FileRegion region(BlobDigest digest, long offset, long length) throws IOException {
        Long size = size(digest);
        if (size == null) {
            throw new BlobNotFoundException("no blob " + digest);
        }
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException(
                    "bytes " + offset + "+" + length + " are not within " + digest + " (" + size + " bytes)");
        }
        return new BlobRead.FileRegion(path(digest), offset, length);
    }

    /** Deletes the blob; {@code false} when there was none. */
    boolean delete(BlobDigest digest) throws IOException {
        return Files.deleteIfExists(path(digest));
    }

    /** Digests of the blobs whose bytes were last written in {@code [since, until)}. */
    List<String> committedBetween(Instant since, Instant until) throws IOException {
        List<String> found = new ArrayList<>();
        for (String algorithm : BlobDigest.ALGORITHMS) {
            Path dir = root.resolve(algorithm);
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
    }

    /**
     * Makes {@code data}, whose bytes hash to {@code digest}, the blob {@code digest}: renamed into
     * place, or deleted when the blob is already there (one copy per digest). {@code data} must be
     * on the same filesystem. {@link NoSuchFileException} when {@code data} is gone.
     */
    void admit(Path data, BlobDigest digest) throws IOException {
        Path blob = path(digest);
        if (Files.exists(blob)) {
            Files.delete(data);
            // ...as freshly committed: a reconciliation looking for unrecorded old blobs
            // must not take it while its new owner is being recorded.
            Files.setLastModifiedTime(blob, FileTime.from(Instant.now()));
        } else {
            moveIntoPlace(data, blob);
        }
    }

    private void moveIntoPlace(Path data, Path blob) throws IOException {
        if (fsync) {
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        Path parent = blob.getParent();
        boolean newParent = Files.notExists(parent);
        Files.createDirectories(parent);
        Files.move(data, blob, StandardCopyOption.ATOMIC_MOVE);
        if (fsync) {
            forceDirectory(parent);
            if (newParent) {
                forceDirectory(parent.getParent());
            }
        }
    }

    /** Makes a rename in {@code dir} durable where the platform allows opening a directory. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupportedHere) {
            // Some platforms cannot open a directory; the rename is then as durable as the filesystem makes it.
        }
    }

    private Path path(BlobDigest digest) {
        return root.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }
}
