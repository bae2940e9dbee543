package io.wharf.registry.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The layout of uploads on disk, under {@code <root>/uploads} (see {@link FilesystemBlobStore}):
 * one directory per upload, named by its id, holding {@code info}, {@code lock} and {@code data}.
 * An upload exists while its {@code data} does. Blocking; no state beyond the directory's path.
 */
final class UploadFiles {

    /** Bytes received so far; created last, deleted first. */
    static final String DATA = "data";
    /** Repository and start time, written once when the upload is created. */
    static final String INFO = "info";
    /** Locked while an append or commit runs on the upload (see {@link UploadLock}). */
    static final String LOCK = "lock";

    private static final Pattern UPLOAD_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** What {@code info} holds; never changes once written. */
    record UploadInfo(String repository, Instant startedAt) {
    }

    private final Path root;

    UploadFiles(Path root) {
        this.root = root;
    }

    /** The directory every upload's directory is in. */
    Path root() {
        return root;
    }

    /** Whether {@code name} is an id this store hands out (a random UUID): only those name uploads. */
    static boolean isUploadId(String name) {
        return name != null && UPLOAD_ID.matcher(name).matches();
    }

    /** The upload's directory, or {@code null} when {@code id} is not an id this store hands out. */
    Path dir(String id) {
        return isUploadId(id) ? root.resolve(id) : null;
    }

    /** Size of the upload's data, or {@code null} when it has none (it does not exist). */
    static Long dataSize(Path dir) throws IOException {
        try {
            return Files.size(dir.resolve(DATA));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static void writeInfo(Path dir, UploadInfo info) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("repository", info.repository());
        properties.setProperty("startedAt", info.startedAt().toString());
        try (Writer writer = Files.newBufferedWriter(dir.resolve(INFO), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            properties.store(writer, "upload");
        }
    }

    static UploadInfo readInfo(Path dir) throws IOException {
        Path file = dir.resolve(INFO);
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

    /** Removes what is left of an upload's directory; what cannot be removed now the next sweep removes. */
    static void deleteDir(Path dir) {
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

    static UploadNotFoundException notFound(String id) {
        return new UploadNotFoundException("no upload " + id);
    }
}
