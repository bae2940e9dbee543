package io.wharf.registry.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Clearing away what uploads leave behind: directories a crash left without data (swept when
 * the store starts) and uploads nobody has written to for a while (purged on request). Never
 * touches an upload while an append or commit holds its lock. Blocking.
 */
final class UploadMaintenance {

    private final UploadFiles files;
    private final UploadSessions sessions;

    UploadMaintenance(UploadFiles files, UploadSessions sessions) {
        this.files = files;
        this.sessions = sessions;
    }

    /**
     * Removes upload directories without data: a crash while an upload was created, committed or
     * cancelled. Assumes no other process creates or commits uploads under the same root meanwhile.
     */
    void sweepAtStart() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(files.root())) {
            for (Path dir : entries) {
                if (UploadFiles.isUploadId(dir.getFileName().toString())
                        && Files.isDirectory(dir) && Files.notExists(dir.resolve(UploadFiles.DATA))) {
                    UploadFiles.deleteDir(dir);
                }
            }
        }
    }

    /** Removes uploads not written to for longer than {@code age}; returns how many. */
    int purgeOlderThan(Duration age) throws IOException {
        Instant cutoff = Instant.now().minus(age);
        int purged = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(files.root())) {
            for (Path dir : entries) {
                String id = dir.getFileName().toString();
                if (UploadFiles.isUploadId(id) && purgeIfIdleSince(id, dir, cutoff)) {
                    purged++;
                }
            }
        }
        return purged;
    }

    private boolean purgeIfIdleSince(String id, Path dir, Instant cutoff) throws IOException {
        Path data = dir.resolve(UploadFiles.DATA);
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
        try (UploadLock lock = UploadLock.tryLock(id, dir)) {
            if (lock == null || !Files.deleteIfExists(data)) {
                return false; // being written right now, or gone meanwhile
            }
            sessions.forget(id);
        } catch (UploadNotFoundException gone) {
            return false;
        }
        UploadFiles.deleteDir(dir);
        return true;
    }

    /**
     * Removes an upload directory without data (left by a commit or cancel that stopped halfway)
     * once it is older than {@code cutoff}; an upload being created right now is younger.
     */
    private static void deleteLeftoverOlderThan(Path dir, Instant cutoff) throws IOException {
        try {
            if (Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
                UploadFiles.deleteDir(dir);
            }
        } catch (NoSuchFileException gone) {
            // Removed meanwhile.
        }
    }
}
