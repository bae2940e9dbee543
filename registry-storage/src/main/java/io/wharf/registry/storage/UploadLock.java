package io.wharf.registry.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock on an upload's {@code lock} file, held until closed: at most one append or commit runs
 * on an upload, across processes as well. Blocking.
 */
record UploadLock(Path file, FileChannel channel) implements AutoCloseable {

    /**
     * Lock files this JVM holds a lock on. Checked before the file lock is tried: on POSIX,
     * closing any channel to a file drops every lock the process has on it, so a second channel
     * to a held lock file must never be opened and closed by this process.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    @Override
    public void close() throws IOException {
        try {
            channel.close(); // releases the file lock
        } finally {
            HELD_IN_THIS_JVM.remove(file);
        }
    }

    /** The upload's lock; {@link UploadBusyException} when another append or commit holds it. */
    static UploadLock lock(String id, Path dir) throws IOException {
        UploadLock lock = tryLock(id, dir);
        if (lock == null) {
            Long size = UploadFiles.dataSize(dir);
            throw new UploadBusyException(id, size == null ? 0 : size);
        }
        return lock;
    }

    /**
     * The upload's lock, or {@code null} when it is held (by this process or another);
     * {@link UploadNotFoundException} when the upload has no lock file.
     */
    static UploadLock tryLock(String id, Path dir) throws IOException {
        Path file = dir.resolve(UploadFiles.LOCK);
        if (!HELD_IN_THIS_JVM.add(file)) {
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
                HELD_IN_THIS_JVM.remove(file);
                return null;
            }
            return new UploadLock(file, channel);
        } catch (NoSuchFileException e) {
            HELD_IN_THIS_JVM.remove(file);
            throw UploadFiles.notFound(id);
        } catch (IOException | RuntimeException e) {
            HELD_IN_THIS_JVM.remove(file);
            throw e;
        }
    }
}
