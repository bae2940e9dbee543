package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.wharf.registry.blobs.OrphanBlobSweeper;
import io.wharf.registry.storage.BlobStore;

/** A blob file committed to storage but never recorded (a crash between the two) is removed later. */
@QuarkusTest
class OrphanBlobSweeperTest {

    @Inject
    BlobStore store;

    @Inject
    OrphanBlobSweeper sweeper;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "wharf.registry.storage.root")
    String root;

    @Test
    void removesAnOldUnrecordedBlobAndKeepsRecordedOnes() throws Throwable {
        String repo = "sweep/app-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] recordedBytes = ("recorded " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String recorded = Oci.pushBlob(repo, recordedBytes).digest();

        // What a crash right after the commit's rename leaves: bytes in storage, no metadata.
        byte[] orphanBytes = ("orphan " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String orphan = Oci.sha256(orphanBytes);
        String uploadId = store.createUpload(repo).await().atMost(Duration.ofSeconds(10)).id();
        Path source = Files.write(Files.createTempFile("orphan", ".bin"), orphanBytes);
        var body = Uni.createFrom().completionStage(vertx.fileSystem()
                .open(source.toString(), new io.vertx.core.file.OpenOptions().setRead(true)).toCompletionStage())
                .await().atMost(Duration.ofSeconds(10));
        body.pause();
        store.append(uploadId, 0, body).await().atMost(Duration.ofSeconds(10));
        Files.delete(source);
        store.commit(uploadId, orphan).await().atMost(Duration.ofSeconds(10));

        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        for (String digest : new String[] {orphan, recorded}) {
            String hex = digest.substring("sha256:".length());
            Files.setLastModifiedTime(Path.of(root, "blobs/sha256", hex.substring(0, 2), hex), FileTime.from(hourAgo));
        }

        // On a Vert.x duplicated context, as the scheduler runs it.
        Integer removed = io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> sweeper.sweep(Instant.now()));
        // The test storage outlives each run's database, so earlier runs' blobs may be orphans too.
        assertTrue(removed >= 1, "removed " + removed);
        assertNull(store.size(orphan).await().atMost(Duration.ofSeconds(10)), "the orphan's bytes are gone");
        assertNotNull(store.size(recorded).await().atMost(Duration.ofSeconds(10)), "a recorded blob stays");
        given().get("/v2/" + repo + "/blobs/" + recorded).then().statusCode(200);
    }
}
