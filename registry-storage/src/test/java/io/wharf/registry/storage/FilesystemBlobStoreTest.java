package io.wharf.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;

/** The {@link BlobStoreContract} on a temporary directory, plus what only a filesystem has. */
class FilesystemBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path root;

    @Override
    protected BlobStore newStore(Vertx vertx) {
        return new FilesystemBlobStore(vertx, root, options());
    }

    /** Direct I/O on (where the filesystem allows it); {@link BufferedFilesystemBlobStoreTest} runs all of this without. */
    FilesystemBlobStore.Options options() {
        return FilesystemBlobStore.Options.defaults();
    }

    @Test
    void writesDirectlyWhereTheFilesystemAllowsAndOnlyWhenAskedTo() throws Exception {
        boolean tmpfs = "tmpfs".equals(Files.getFileStore(root).type());
        assertEquals(options().directIo() && !tmpfs, ((FilesystemBlobStore) store).usesDirectIo());
    }

    @Test
    void keepsEveryByteOfChunksThatStartAndEndOffBlockBoundaries() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        byte[] first = randomBytes(random, 3 * 1024 * 1024 + 4097);     // from 0: whole blocks, then a tail
        byte[] second = randomBytes(random, 5000);                       // starts mid-block
        long sofar = first.length + second.length;
        byte[] third = randomBytes(random, (int) (4096 - sofar % 4096) + 2 * 1024 * 1024); // ends on a boundary
        byte[] fourth = randomBytes(random, 1024 * 1024 + 1);            // starts on one again
        byte[] whole = concat(first, second, third, fourth);
        String uploadId = await(store.createUpload("library/odd")).id();

        long size = 0;
        for (byte[] chunk : List.of(first, second, third, fourth)) {
            // Each chunk as many small network buffers, like a request body.
            byte[][] pieces = new byte[(chunk.length + 16_383) / 16_384][];
            for (int i = 0; i < pieces.length; i++) {
                pieces[i] = Arrays.copyOfRange(chunk, i * 16_384, Math.min(chunk.length, (i + 1) * 16_384));
            }
            size += chunk.length;
            assertEquals(size, await(store.append(uploadId, -1, TestBody.of(vertx, pieces))).size());
        }

        assertEquals(whole.length, await(store.commit(uploadId, sha256(whole))));
        assertArrayEquals(whole, fetch(sha256(whole), 0, whole.length).body());
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    protected Class<? extends BlobRead> readKind() {
        return BlobRead.FileRegion.class;
    }

    @Test
    void readsARegionOfTheBlobsOwnFileForZeroCopySending() throws Exception {
        byte[] layer = bytes("sent with sendfile");
        String digest = committed(layer);

        BlobRead.FileRegion region = (BlobRead.FileRegion) await(store.read(digest, 5, 4));

        String hex = digest.substring("sha256:".length());
        assertEquals(root.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).toAbsolutePath(), region.file());
        assertEquals(new BlobRead.FileRegion(region.file(), 5, 4), region);
    }

    @Override
    protected void backdateUpload(String uploadId, Duration idle) throws Exception {
        Files.setLastModifiedTime(uploadPath(uploadId).resolve("data"), FileTime.from(Instant.now().minus(idle)));
    }

    @Test
    void keepsCommittedBlobAtItsDigestPathAndNoUploadBehind() throws Exception {
        byte[] layer = bytes("laid out");
        String digest = committed(layer);

        String hex = digest.substring("sha256:".length());
        assertArrayEquals(layer, Files.readAllBytes(root.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)));
        assertEquals(List.of(), list(root.resolve("uploads")));
    }

    @Test
    void sweepsLeftoversOfInterruptedCommitsAtStart() throws Exception {
        byte[] layer = bytes("renamed into place just before the crash");
        String digest = sha256(layer);
        String uploadId = uploadOf("library/alpine", layer);
        // A crash after the commit's rename, before the upload's directory was removed:
        String hex = digest.substring("sha256:".length());
        Path blob = root.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
        Files.createDirectories(blob.getParent());
        Files.move(uploadPath(uploadId).resolve("data"), blob);
        // A crash while an upload was being created (its info written, no data yet):
        Path halfCreated = Files.createDirectories(uploadPath(UUID.randomUUID().toString()));
        Files.writeString(halfCreated.resolve("info"), "repository=library/alpine\n");

        BlobStore restarted = restart();

        assertEquals(layer.length, await(restarted.size(digest)), "operations start after the sweep");
        assertNull(await(restarted.upload(uploadId)));
        assertEquals(List.of(), list(root.resolve("uploads")));
    }

    @Test
    void commitsWithFsyncOff() {
        // Two stores on one root: the first one's startup sweep (upload directories without data) must
        // be over before the second creates an upload, as the sweep's contract says.
        ((FilesystemBlobStore) store).usesDirectIo();
        BlobStore unsynced = new FilesystemBlobStore(vertx, root, new FilesystemBlobStore.Options(false, true));
        byte[] layer = bytes("cache entry");
        String uploadId = await(unsynced.createUpload("cache/app")).id();
        await(unsynced.append(uploadId, 0, TestBody.of(vertx, layer)));

        assertEquals(layer.length, await(unsynced.commit(uploadId, sha256(layer))));
        assertEquals(layer.length, await(store.size(sha256(layer))));
    }

    @Test
    void failsOperationsWhenRootCannotBeCreated() throws Exception {
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        BlobStore broken = new FilesystemBlobStore(vertx, file.resolve("root"));

        assertThrows(Exception.class, () -> await(broken.createUpload("library/alpine")));
    }

    private Path uploadPath(String uploadId) {
        return root.resolve("uploads").resolve(uploadId);
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
