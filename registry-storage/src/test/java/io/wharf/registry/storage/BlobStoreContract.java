package io.wharf.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * What every {@link BlobStore} must do. An implementation's test extends this class, gives a
 * store over storage of its own that lasts for one test ({@link #newStore}), and a way to make
 * an upload look idle ({@link #backdateUpload}). {@link #restart()} stands for a new process:
 * a new Vert.x and a new store over the same storage.
 */
public abstract class BlobStoreContract {

    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The Vert.x of the current "process"; replaced by {@link #restart()}. */
    protected Vertx vertx;
    /** The store under test; replaced by {@link #restart()}. */
    protected volatile BlobStore store;
    private HttpServer server;

    /**
     * A new store instance over this test's storage. Called once before each test and again on
     * every {@link #restart()} or when a test wants a second instance: all of them must see the
     * same blobs and uploads.
     */
    protected abstract BlobStore newStore(Vertx vertx);

    /** Makes {@code uploadId} look as if nothing had been written to it for {@code idle}. */
    protected abstract void backdateUpload(String uploadId, Duration idle) throws Exception;

    /**
     * The kind of {@link BlobRead} this store (as {@link #newStore} configures it) hands out for a
     * committed blob: what the HTTP layer will have to serve.
     */
    protected abstract Class<? extends BlobRead> readKind();

    @BeforeEach
    void startStore() {
        vertx = Vertx.vertx();
        store = newStore(vertx);
    }

    @AfterEach
    void stopStore() throws Exception {
        closeStores();
        join(vertx.close());
    }

    /**
     * Called before the Vert.x of the current "process" closes: a store holding resources on its
     * event loops (connections) closes the instances {@link #newStore} made.
     */
    protected void closeStores() {
    }

    /** Stops this "process" and starts a new one over the same storage. */
    protected final BlobStore restart() throws Exception {
        closeStores();
        join(vertx.close());
        server = null;
        vertx = Vertx.vertx();
        store = newStore(vertx);
        return store;
    }

    // ------------------------------------------------------------- committing

    @Test
    void createsEmptyUploadsWithDistinctUrlSafeIds() {
        UploadState first = await(store.createUpload("library/alpine"));
        UploadState second = await(store.createUpload("library/alpine"));

        assertTrue(first.id().matches("[A-Za-z0-9._~-]+"), first.id());
        assertNotEquals(first.id(), second.id());
        assertEquals("library/alpine", first.repository());
        assertEquals(0, first.size());
        assertNotNull(first.startedAt());
        assertEquals(first, await(store.upload(first.id())));
    }

    @Test
    void listsBlobsCommittedInATimeWindow() throws Exception {
        java.time.Instant before = java.time.Instant.now().minusSeconds(60);
        byte[] layer = bytes("a layer committed just now");
        String digest = sha256(layer);
        await(store.commit(uploadOf("library/alpine", layer), digest));
        java.time.Instant after = java.time.Instant.now().plusSeconds(60);

        assertTrue(await(store.committedBetween(before, after)).contains(digest));
        assertFalse(await(store.committedBetween(after, after.plusSeconds(60))).contains(digest));
        assertFalse(await(store.committedBetween(before.minusSeconds(60), before)).contains(digest));
    }

    @Test
    void commitsBlobWhoseDigestMatches() throws Exception {
        byte[] layer = bytes("a layer of an image");
        String digest = sha256(layer);
        String uploadId = uploadOf("library/alpine", layer);

        assertEquals(layer.length, await(store.commit(uploadId, digest)));

        assertEquals(layer.length, await(store.size(digest)));
        assertArrayEquals(layer, fetch(digest, 0, layer.length).body());
        assertNull(await(store.upload(uploadId)), "a committed upload is gone");
    }

    @Test
    void readsSmallBlobsWholeAndRefusesLargerOnes() throws Exception {
        byte[] config = bytes("{\"os\":\"linux\",\"architecture\":\"arm64\"}");
        String digest = sha256(config);
        await(store.commit(uploadOf("library/alpine", config), digest));

        assertArrayEquals(config, await(store.readSmall(digest, config.length)));
        assertNull(await(store.readSmall(digest, config.length - 1)), "larger than the limit");
        assertNull(await(store.readSmall(sha256(bytes("never stored")), 1024)));
    }

    @Test
    void rejectsCommitWhoseDigestDiffersAndServesNothing() throws Exception {
        byte[] layer = bytes("what was sent");
        String claimed = sha256(bytes("what was promised"));
        String uploadId = uploadOf("library/alpine", layer);

        assertThrows(DigestMismatchException.class, () -> await(store.commit(uploadId, claimed)));

        assertNull(await(store.size(claimed)));
        assertNull(await(store.size(sha256(layer))));
        assertEquals(404, fetch(claimed, 0, layer.length).statusCode());
        assertNull(await(store.upload(uploadId)), "a mismatched upload is removed");
    }

    @Test
    void commitsEmptyBlob() throws Exception {
        String digest = sha256(new byte[0]);
        String uploadId = await(store.createUpload("library/scratch")).id();

        assertEquals(0, await(store.commit(uploadId, digest)));

        assertEquals(0, await(store.size(digest)));
        HttpResponse<byte[]> response = fetch(digest, 0, 0);
        assertEquals(200, response.statusCode());
        assertEquals(0, response.body().length);
    }

    @Test
    void commitsSha512Digest() throws Exception {
        byte[] layer = bytes("hashed the long way");
        String digest = sha512(layer);
        String uploadId = uploadOf("library/alpine", layer);

        assertEquals(layer.length, await(store.commit(uploadId, digest)));

        assertEquals(layer.length, await(store.size(digest)));
        assertArrayEquals(layer, fetch(digest, 0, layer.length).body());
    }

    @Test
    void storesOneCopyForTheSameDigestTwice() {
        byte[] layer = bytes("shared base layer");
        String digest = sha256(layer);
        String first = uploadOf("team-a/app", layer);
        String second = uploadOf("team-b/app", layer);

        assertEquals(layer.length, await(store.commit(first, digest)));
        assertEquals(layer.length, await(store.commit(second, digest)));
        assertNull(await(store.upload(second)), "the duplicate upload is discarded");

        assertTrue(await(store.delete(digest)));
        assertNull(await(store.size(digest)), "one delete removes the only copy");
        assertFalse(await(store.delete(digest)));
    }

    @Test
    void streamsLargeBlobWithCorrectDigestAndBackPressure() throws Exception {
        long size = 64L * 1024 * 1024;
        long seed = 42;
        String digest = TestBody.generatedDigest("sha256", size, seed);
        String uploadId = await(store.createUpload("library/big")).id();
        TestBody body = TestBody.generated(vertx, size, seed);

        assertEquals(size, await(store.append(uploadId, 0, body)).size());
        assertEquals(size, await(store.commit(uploadId, digest)));

        assertTrue(body.pauses() > 0, "the store paused the body while it wrote");
        assertEquals(size, await(store.size(digest)));
        long tail = size - 100_000;
        assertArrayEquals(TestBody.generatedSlice(size, seed, tail, 100_000), fetch(digest, tail, 100_000).body());
    }

    // -------------------------------------------------------------- appending

    @Test
    void appendsChunksInOrder() throws Exception {
        byte[] one = bytes("first,");
        byte[] two = bytes("second,");
        byte[] three = bytes("third");
        String uploadId = await(store.createUpload("library/alpine")).id();

        assertEquals(one.length, await(store.append(uploadId, 0, TestBody.of(vertx, one))).size());
        assertEquals(one.length + two.length, await(store.append(uploadId, one.length, TestBody.of(vertx, two))).size());
        UploadState last = await(store.append(uploadId, -1, TestBody.of(vertx, three)));
        assertEquals(one.length + two.length + three.length, last.size());
        assertEquals(last, await(store.upload(uploadId)));

        byte[] whole = concat(one, two, three);
        assertEquals(whole.length, await(store.commit(uploadId, sha256(whole))));
        assertArrayEquals(whole, fetch(sha256(whole), 0, whole.length).body());
    }

    @Test
    void rejectsChunkAtWrongOffsetWithoutWriting() {
        byte[] first = bytes("0123456789");
        String uploadId = uploadOf("library/alpine", first);

        UploadOffsetException replayed = assertThrows(UploadOffsetException.class,
                () -> await(store.append(uploadId, 0, TestBody.of(vertx, bytes("again")))));
        assertEquals(first.length, replayed.currentSize());
        UploadOffsetException ahead = assertThrows(UploadOffsetException.class,
                () -> await(store.append(uploadId, first.length + 5, TestBody.of(vertx, bytes("later")))));
        assertEquals(first.length, ahead.currentSize());

        assertEquals(first.length, await(store.upload(uploadId)).size());
        assertEquals(first.length, await(store.commit(uploadId, sha256(first))));
    }

    @Test
    void leavesUploadAsItWasWhenBodyFails() {
        byte[] kept = bytes("kept,");
        byte[] rest = bytes("rest");
        String uploadId = uploadOf("library/alpine", kept);
        IllegalStateException dropped = new IllegalStateException("connection reset");

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> await(
                store.append(uploadId, kept.length, TestBody.failingAfter(vertx, dropped, bytes("lost"), bytes("lost too")))));
        assertEquals(dropped.getMessage(), failure.getMessage());

        assertEquals(kept.length, await(store.upload(uploadId)).size());
        await(store.append(uploadId, kept.length, TestBody.of(vertx, rest)));
        assertEquals(kept.length + rest.length, await(store.commit(uploadId, sha256(concat(kept, rest)))));
    }

    @Test
    void rejectsSecondAppendOrCommitWhileAnAppendRuns() throws Exception {
        String uploadId = await(store.createUpload("library/alpine")).id();
        TestBody slow = TestBody.open(vertx);
        CompletableFuture<UploadState> running = store.append(uploadId, 0, slow).subscribeAsCompletionStage();
        slow.push(bytes("first "));
        waitUntil(() -> slow.emittedBytes() == 6);

        TestBody intruder = TestBody.of(vertx, bytes("intruder"));
        assertThrows(UploadBusyException.class, () -> await(store.append(uploadId, -1, intruder)));
        assertEquals(0, intruder.emittedBytes(), "the rejected body is left unread");
        assertThrows(UploadBusyException.class, () -> await(store.commit(uploadId, sha256(bytes("first ")))));

        slow.push(bytes("chunk")).end();
        assertEquals(11, running.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size());
        byte[] whole = bytes("first chunk");
        assertEquals(whole.length, await(store.commit(uploadId, sha256(whole))));
        assertArrayEquals(whole, fetch(sha256(whole), 0, whole.length).body());
    }

    @Test
    void resumesUploadAfterRestart() throws Exception {
        byte[] before = bytes("sent before the restart, ");
        byte[] after = bytes("sent after it");
        UploadState created = await(store.createUpload("library/redis"));
        await(store.append(created.id(), 0, TestBody.of(vertx, before)));

        BlobStore restarted = restart();

        assertEquals(new UploadState(created.id(), "library/redis", before.length, created.startedAt()),
                await(restarted.upload(created.id())));
        await(restarted.append(created.id(), before.length, TestBody.of(vertx, after)));
        byte[] whole = concat(before, after);
        assertEquals(whole.length, await(restarted.commit(created.id(), sha256(whole))));
        assertArrayEquals(whole, fetch(sha256(whole), 0, whole.length).body());
    }

    @Test
    void rejectsAppendWhileAnotherInstanceAppends() throws Exception {
        String uploadId = await(store.createUpload("library/alpine")).id();
        TestBody slow = TestBody.open(vertx);
        CompletableFuture<UploadState> running = store.append(uploadId, 0, slow).subscribeAsCompletionStage();
        slow.push(bytes("mine"));
        waitUntil(() -> slow.emittedBytes() == 4);

        BlobStore otherProcess = newStore(vertx);
        TestBody theirs = TestBody.of(vertx, bytes("theirs"));
        UploadBusyException busy = assertThrows(UploadBusyException.class, () -> await(otherProcess.append(uploadId, -1, theirs)));
        // Bytes still being gathered by the running append need not be saved yet: the size seen is 0 to 4.
        assertTrue(busy.currentSize() >= 0 && busy.currentSize() <= 4, "size seen: " + busy.currentSize());
        assertEquals(0, theirs.emittedBytes(), "the rejected body is left unread");

        slow.end();
        assertEquals(4, running.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size());
        assertEquals(10, await(otherProcess.append(uploadId, 4, TestBody.of(vertx, bytes("theirs")))).size());
        assertEquals(10, await(store.commit(uploadId, sha256(bytes("minetheirs")))));
    }

    @Test
    void commitsUploadAnotherInstanceAppendedTo() {
        byte[] mine = bytes("appended here, ");
        byte[] theirs = bytes("appended by the other instance");
        String uploadId = uploadOf("library/alpine", mine);
        BlobStore other = newStore(vertx);

        await(other.append(uploadId, mine.length, TestBody.of(vertx, theirs)));

        byte[] whole = concat(mine, theirs);
        assertEquals(whole.length, await(store.commit(uploadId, sha256(whole))));
    }

    // ---------------------------------------------------- reading and removing

    @Test
    void readsARangeAsTheKindOfHandleThisStoreServes() throws Exception {
        byte[] blob = bytes("0123456789abcdef");
        String digest = committed(blob);

        BlobRead read = await(store.read(digest, 3, 5));

        assertEquals(readKind(), read.getClass());
        if (read instanceof BlobRead.FileRegion region) {
            assertEquals(3, region.offset());
            assertEquals(5, region.length());
        } else if (read instanceof BlobRead.Stream stream) {
            assertEquals(5, stream.length());
            stream.release().run(); // not read here
        }
        HttpResponse<byte[]> response = fetch(digest, 3, 5);
        assertTrue(response.statusCode() == 200 || response.statusCode() == 206, "status " + response.statusCode());
        assertEquals("5", response.headers().firstValue("content-length").orElse(null));
        assertArrayEquals(bytes("34567"), response.body());
    }

    @Test
    void servesEveryRangeOfABlobByteForByte() throws Exception {
        byte[] blob = bytes("the quick brown fox jumps over the lazy dog");
        String digest = committed(blob);

        for (long[] range : new long[][] {{0, blob.length}, {0, 1}, {blob.length - 1, 1}, {10, 9}, {blob.length, 0}}) {
            int from = (int) range[0];
            int to = (int) (range[0] + range[1]);
            assertArrayEquals(Arrays.copyOfRange(blob, from, to), fetch(digest, range[0], range[1]).body(),
                    "bytes " + from + " to " + to);
        }
    }

    @Test
    void refusesToReadARangeOutsideTheBlob() {
        byte[] blob = bytes("ten bytes!");
        String digest = committed(blob);

        for (long[] range : new long[][] {{0, blob.length + 1}, {blob.length, 1}, {-1, 2}, {2, -1}, {Long.MAX_VALUE, 2}}) {
            assertThrows(IllegalArgumentException.class, () -> await(store.read(digest, range[0], range[1])),
                    range[0] + "+" + range[1]);
        }
    }

    @Test
    void failsToReadUnknownBlobBeforeOpeningAnything() throws Exception {
        String digest = sha256(bytes("never pushed"));

        assertThrows(BlobNotFoundException.class, () -> await(store.read(digest, 0, 1)));
        assertThrows(BlobNotFoundException.class, () -> await(store.read("sha256:not-hex", 0, 1)));
        assertThrows(BlobNotFoundException.class, () -> await(store.read("md5:" + "0".repeat(32), 0, 1)));
        assertEquals(404, fetch(digest, 0, 1).statusCode());
        assertNull(await(store.size(digest)));
    }

    @Test
    void failsToReadUncommittedOrDeletedBlob() throws Exception {
        byte[] pending = bytes("still uploading");
        uploadOf("library/alpine", pending);
        byte[] deleted = bytes("deleted before the read");
        String digest = committed(deleted);
        assertTrue(await(store.delete(digest)));

        assertThrows(BlobNotFoundException.class, () -> await(store.read(sha256(pending), 0, pending.length)));
        assertThrows(BlobNotFoundException.class, () -> await(store.read(digest, 0, deleted.length)));
    }

    @Test
    void deleteRemovesBlob() throws Exception {
        byte[] blob = bytes("soon gone");
        String digest = committed(blob);

        assertTrue(await(store.delete(digest)));

        assertNull(await(store.size(digest)));
        assertEquals(404, fetch(digest, 0, blob.length).statusCode());
        assertFalse(await(store.delete(digest)));
    }

    @Test
    void cancelRemovesUpload() {
        String uploadId = uploadOf("library/alpine", bytes("abandoned"));

        assertTrue(await(store.cancel(uploadId)));

        assertNull(await(store.upload(uploadId)));
        assertFalse(await(store.cancel(uploadId)));
        assertThrows(UploadNotFoundException.class,
                () -> await(store.append(uploadId, -1, TestBody.of(vertx, bytes("more")))));
        assertThrows(UploadNotFoundException.class, () -> await(store.commit(uploadId, sha256(bytes("abandoned")))));
    }

    @Test
    void purgesOnlyOldUploads() throws Exception {
        String old = uploadOf("library/alpine", bytes("stale"));
        String fresh = uploadOf("library/alpine", bytes("in progress"));
        backdateUpload(old, Duration.ofHours(2));

        assertEquals(1, await(store.purgeUploadsOlderThan(Duration.ofHours(1))));

        assertNull(await(store.upload(old)));
        assertNotNull(await(store.upload(fresh)));
    }

    @Test
    void unknownUploadIsNotFound() {
        String unknown = UUID.randomUUID().toString();

        assertNull(await(store.upload(unknown)));
        assertThrows(UploadNotFoundException.class,
                () -> await(store.append(unknown, 0, TestBody.of(vertx, bytes("data")))));
        assertThrows(UploadNotFoundException.class, () -> await(store.commit(unknown, sha256(bytes("data")))));
        assertFalse(await(store.cancel(unknown)));
    }

    @Test
    void pathTraversalIdIsNotFound() {
        byte[] blob = bytes("must survive");
        String digest = committed(blob);
        String upload = uploadOf("library/alpine", bytes("must survive too"));

        for (String id : List.of("..", ".", "../uploads", "../../blobs", "a/../" + upload, upload + "/..",
                "..%2f..%2fblobs", "/etc/passwd", "", upload.toUpperCase())) {
            assertNull(await(store.upload(id)), id);
            assertThrows(UploadNotFoundException.class,
                    () -> await(store.append(id, -1, TestBody.of(vertx, bytes("x")))), id);
            assertThrows(UploadNotFoundException.class, () -> await(store.commit(id, digest)), id);
            assertFalse(await(store.cancel(id)), id);
        }

        assertEquals(blob.length, await(store.size(digest)));
        assertNotNull(await(store.upload(upload)));
    }

    // ------------------------------------------------- garbage collection
    // What the registry's online GC (io.wharf.registry.gc) relies on: it deletes a blob's bytes only
    // while the database row says "deleting", and a push of the same digest afterwards commits anew.

    @Test
    void gcDeleteRemovesTheBlobFromEveryReadOfEveryInstance() throws Exception {
        byte[] config = bytes("{\"collected\":true}");
        String digest = committed(config);
        BlobStore other = newStore(vertx);

        assertTrue(await(store.delete(digest)));

        for (BlobStore s : List.of(store, other)) {
            assertNull(await(s.size(digest)));
            assertNull(await(s.readSmall(digest, 1024)));
        }
        assertEquals(404, fetch(digest, 0, config.length).statusCode());
    }

    @Test
    void gcDeleteIsIdempotent() {
        String digest = committed(bytes("deleted twice"));

        assertTrue(await(store.delete(digest)));
        assertFalse(await(store.delete(digest)), "a retried delete (a later run after a crash) finds nothing and succeeds");
        assertFalse(await(newStore(vertx).delete(digest)));
        assertFalse(await(store.delete(sha256(bytes("never stored")))));
    }

    @Test
    void gcCommitAfterDeleteMakesTheBlobLiveAgain() throws Exception {
        byte[] layer = bytes("collected, then pushed again");
        String digest = committed(layer);
        assertTrue(await(store.delete(digest)));

        assertEquals(layer.length, await(store.commit(uploadOf("team-b/app", layer), digest)));

        assertEquals(layer.length, await(store.size(digest)));
        assertArrayEquals(layer, await(store.readSmall(digest, 1024)));
        assertArrayEquals(layer, fetch(digest, 0, layer.length).body());
    }

    @Test
    void gcDeleteLeavesAnUploadOfTheSameDigestThatThenCommitsLive() throws Exception {
        byte[] layer = bytes("uploaded while the old copy was collected");
        String digest = committed(layer);
        String upload = uploadOf("team-c/app", layer);

        assertTrue(await(store.delete(digest)));
        assertNotNull(await(store.upload(upload)), "deleting a blob touches no upload");

        assertEquals(layer.length, await(store.commit(upload, digest)));
        assertArrayEquals(layer, fetch(digest, 0, layer.length).body());
    }

    // ---------------------------------------------------------------- helpers

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    protected static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] whole = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, whole, at, part.length);
            at += part.length;
        }
        return whole;
    }

    protected static String sha256(byte[] content) {
        return digest("sha256", content);
    }

    protected static String sha512(byte[] content) {
        return digest("sha512", content);
    }

    private static String digest(String algorithm, byte[] content) {
        MessageDigest digest = BlobDigest.messageDigest(algorithm);
        return algorithm + ':' + HexFormat.of().formatHex(digest.digest(content));
    }

    /** Starts an upload in {@code repository} and appends {@code content} to it; returns its id. */
    protected String uploadOf(String repository, byte[] content) {
        String uploadId = await(store.createUpload(repository)).id();
        await(store.append(uploadId, 0, TestBody.of(vertx, content)));
        return uploadId;
    }

    /** Uploads and commits {@code content}; returns its sha256 digest. */
    protected String committed(byte[] content) {
        String digest = sha256(content);
        await(store.commit(uploadOf("library/alpine", content), digest));
        return digest;
    }

    protected static void waitUntil(BooleanSupplier condition) {
        Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }

    /**
     * GETs {@code [offset, offset + length)} of a blob over real HTTP, as a client of the registry
     * would: a Vert.x server whose handler serves what {@link BlobStore#read} hands out (a file
     * region with {@code sendFile}, a stream piped, a redirect with 307), answering 404 itself when
     * the store reports the blob missing. A redirect is followed with a {@code Range} header.
     */
    protected HttpResponse<byte[]> fetch(String digest, long offset, long length) throws Exception {
        if (server == null) {
            server = join(vertx.createHttpServer().requestHandler(this::serveBlob).listen(0));
        }
        URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/?digest=" + digest
                + "&offset=" + offset + "&length=" + length);
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 307) {
            return response;
        }
        HttpRequest.Builder redirected = HttpRequest.newBuilder(URI.create(response.headers().firstValue("location").orElseThrow()))
                .timeout(TIMEOUT);
        if (length > 0) {
            redirected.header("Range", "bytes=" + offset + "-" + (offset + length - 1));
        }
        return HTTP.send(redirected.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void serveBlob(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        long offset = Long.parseLong(request.getParam("offset"));
        long length = Long.parseLong(request.getParam("length"));
        store.read(request.getParam("digest"), offset, length).subscribe().with(read -> {
            Future<Void> served;
            if (read instanceof BlobRead.FileRegion region) {
                served = region.length() == 0 ? response.end()
                        : response.sendFile(region.file().toString(), region.offset(), region.length());
            } else if (read instanceof BlobRead.Stream stream) {
                response.putHeader("Content-Length", Long.toString(stream.length()));
                served = stream.body().pipeTo(response).onFailure(failure -> stream.release().run());
            } else {
                BlobRead.Redirect redirect = (BlobRead.Redirect) read;
                served = response.setStatusCode(307).putHeader("Location", redirect.location().toString()).end();
            }
            served.onFailure(failure -> answerFailure(request, failure));
        }, failure -> answerFailure(request, failure));
    }

    private static void answerFailure(HttpServerRequest request, Throwable failure) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            request.connection().close();
        } else {
            response.setStatusCode(failure instanceof BlobNotFoundException ? 404 : 500).end(String.valueOf(failure));
        }
    }
}
