package io.wharf.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.wharf.infra.S3Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The {@link BlobStoreContract} against a real S3 API server (S3Proxy, in this JVM, objects on a
 * temporary directory), reads streamed; plus what only S3 has: parts, sessions in the bucket, locks
 * across instances, multipart uploads left behind. Each test has a bucket of its own, created by
 * the store.
 */
class S3BlobStoreTest extends BlobStoreContract {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3Server server;
    private static S3Client admin;

    private final String bucket = "wharf-test-" + BUCKETS.incrementAndGet();
    private final List<S3BlobStore> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Server.start(S3Server.Options.forTests());
        admin = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected void closeStores() {
        opened.forEach(S3BlobStore::close);
        opened.clear();
    }

    /** Streamed reads, the smallest parts S3 allows (so the contract's larger blobs span several). */
    S3BlobStore.Options options() {
        return S3BlobStore.Options.of(server.endpoint(), "us-east-1", bucket)
                .withPrefix("registry")
                .withCredentials(server.accessKey(), server.secretKey())
                .withPartSize(S3BlobStore.Options.MIN_PART_SIZE);
    }

    @Override
    protected BlobStore newStore(Vertx vertx) {
        S3BlobStore store = new S3BlobStore(vertx, options());
        opened.add(store);
        return store;
    }

    @Override
    protected void backdateUpload(String uploadId, Duration idle) throws Exception {
        ((S3BlobStore) store).backdate(uploadId, idle);
    }

    @Override
    protected Class<? extends BlobRead> readKind() {
        return BlobRead.Stream.class;
    }

    // ------------------------------------------------------------------ S3 only

    @Test
    void continuesAndCommitsOnAnotherInstanceASessionSpanningParts() throws Exception {
        int part = (int) S3BlobStore.Options.MIN_PART_SIZE;
        byte[] first = TestBody.generatedSlice(3L * part, 1, 0, part + 1234);             // a part and a tail
        byte[] second = TestBody.generatedSlice(3L * part, 1, part + 1234, part + 99);    // completes a part, a new tail
        UploadState created = await(store.createUpload("library/big"));
        assertEquals(first.length, await(store.append(created.id(), 0, TestBody.of(vertx, first))).size());

        Vertx otherProcess = Vertx.vertx();
        S3BlobStore other = new S3BlobStore(otherProcess, options());
        try {
            assertEquals(new UploadState(created.id(), "library/big", first.length, created.startedAt()),
                    await(other.upload(created.id())));
            assertEquals(first.length + second.length,
                    await(other.append(created.id(), first.length, TestBody.of(otherProcess, second))).size());
            byte[] whole = concat(first, second);

            assertEquals(whole.length, await(other.commit(created.id(), sha256(whole))));

            assertEquals(whole.length, await(store.size(sha256(whole))));
            assertArrayEquals(whole, fetch(sha256(whole), 0, whole.length).body());
            assertEquals(List.of(), keys("registry/uploads/"), "nothing of the upload is left");
        } finally {
            other.close();
            join(otherProcess.close());
        }
    }

    @Test
    void keepsCommittedBlobsUnderTheirDigestBelowThePrefix() {
        byte[] layer = bytes("laid out in the bucket");
        String digest = committed(layer);

        String hex = digest.substring("sha256:".length());
        assertEquals(List.of("registry/blobs/sha256/" + hex.substring(0, 2) + "/" + hex), keys(""));
    }

    @Test
    void leavesNothingBehindWhenADigestSpanningPartsMismatches() {
        byte[] layer = TestBody.generatedSlice(2L * S3BlobStore.Options.MIN_PART_SIZE, 3, 0,
                (int) S3BlobStore.Options.MIN_PART_SIZE + 10);
        String uploadId = uploadOf("library/alpine", layer);

        assertThrows(DigestMismatchException.class, () -> await(store.commit(uploadId, sha256(bytes("something else")))));

        assertNull(await(store.size(sha256(layer))));
        assertEquals(List.of(), keys(""));
        assertEquals(0, admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().size(), "the multipart upload is aborted");
    }

    @Test
    void purgeAbortsMultipartUploadsWhoseSessionIsGone() throws Exception {
        // A process that died after starting a multipart upload, before saving a session naming it.
        String orphanKey = "registry/uploads/" + java.util.UUID.randomUUID() + "/data";
        assertNull(await(store.upload(java.util.UUID.randomUUID().toString()))); // the store has created the bucket
        admin.createMultipartUpload(b -> b.bucket(bucket).key(orphanKey));

        assertEquals(0, await(store.purgeUploadsOlderThan(Duration.ofHours(1))), "too recent to be abandoned");
        assertEquals(1, await(store.purgeUploadsOlderThan(Duration.ofSeconds(-5))));

        assertEquals(0, admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().size());
    }

    @Test
    void breaksOnlyALockOlderThanTheLeaseAsItsHolderDied() throws Exception {
        byte[] first = bytes("before the crash,");
        String uploadId = uploadOf("library/alpine", first);
        // An instance died mid-append: its lock stays behind.
        String lock = "registry/uploads/" + uploadId + "/lock";
        admin.putObject(b -> b.bucket(bucket).key(lock), software.amazon.awssdk.core.sync.RequestBody.fromString("held"));
        java.time.Instant locked = admin.headObject(b -> b.bucket(bucket).key(lock)).lastModified();
        waitUntil(() -> java.time.Instant.now().isAfter(locked)); // S3 times are whole seconds: older than a zero lease

        UploadBusyException busy = assertThrows(UploadBusyException.class,
                () -> await(store.append(uploadId, first.length, TestBody.of(vertx, bytes("refused")))));
        assertEquals(first.length, busy.currentSize());

        S3BlobStore leaseOver = new S3BlobStore(vertx, options(), Duration.ZERO);
        opened.add(leaseOver);
        byte[] second = bytes(" after it");
        assertEquals(first.length + second.length, await(leaseOver.append(uploadId, first.length, TestBody.of(vertx, second))).size());
        assertEquals(first.length + second.length, await(store.commit(uploadId, sha256(concat(first, second)))));
    }

    @Test
    void aLiveHolderRenewsItsLockSoAnAppendLongerThanTheLeaseIsNotBrokenInto() throws Exception {
        Duration lease = Duration.ofSeconds(3);
        S3BlobStore holder = new S3BlobStore(vertx, options(), lease);
        S3BlobStore other = new S3BlobStore(vertx, options(), lease);
        opened.add(holder);
        opened.add(other);
        String uploadId = await(holder.createUpload("library/alpine")).id();
        TestBody slow = TestBody.open(vertx);
        java.util.concurrent.CompletableFuture<UploadState> running = holder.append(uploadId, 0, slow).subscribeAsCompletionStage();
        slow.push(bytes("first "));
        waitUntil(() -> slow.emittedBytes() == 6);

        // Twice the lease later the append still runs, and its lock still holds on another instance.
        java.time.Instant past = java.time.Instant.now().plus(lease.multipliedBy(2));
        waitUntil(() -> java.time.Instant.now().isAfter(past));
        assertThrows(UploadBusyException.class, () -> await(other.append(uploadId, -1, TestBody.of(vertx, bytes("intruder")))));

        slow.push(bytes("chunk")).end();
        assertEquals(11, running.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).size());
        // Released, and not brought back by a late rewrite: the other instance goes on at once.
        byte[] rest = bytes(" and more");
        assertEquals(11 + rest.length, await(other.append(uploadId, 11, TestBody.of(vertx, rest))).size());
        assertEquals(11 + rest.length, await(other.commit(uploadId, sha256(concat(bytes("first chunk"), rest)))));
    }

    @Test
    void refusesPartsSmallerThanS3Allows() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> options().withPartSize(S3BlobStore.Options.MIN_PART_SIZE - 1));
        assertTrue(refused.getMessage().contains("at least"), refused.getMessage());
    }

    private List<String> keys(String prefix) {
        return admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }
}
