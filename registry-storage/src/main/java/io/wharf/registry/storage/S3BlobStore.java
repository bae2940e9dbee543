package io.wharf.registry.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.digests.SHA256Digest;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.ResponsePublisher;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link BlobStore} on any S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage, SeaweedFS,
 * S3Proxy), through the AWS SDK's asynchronous client. Everything lives in one bucket under a prefix:
 *
 * <pre>{@code
 * <prefix>blobs/sha256/ab/abcdef…      committed blobs, named by digest
 * <prefix>uploads/<id>/session         the upload session (JSON, see S3UploadSession): written first
 * <prefix>uploads/<id>/lock            exists while an append or commit runs (created with If-None-Match)
 * <prefix>uploads/<id>/tail-<uuid>     the bytes after the last part (fewer than a part)
 * <prefix>uploads/<id>/data            the multipart upload's key (whole only during a commit)
 * }</pre>
 *
 * <p>Guarantees, on top of the {@link BlobStore} contract:
 * <ul>
 *   <li>An upload is an S3 multipart upload (created with its first full part). Appended bytes are
 *       streamed into parts of {@link Options#partSize()} as they arrive, at most one part held in
 *       memory per running append; the bytes after the last part go to a tail object, read back and
 *       continued by the next append (so many small appends rewrite up to a part each time).</li>
 *   <li>The session (parts and their ETags, tail, size and the running SHA-256's state, which
 *       BouncyCastle's digest can export) is an object in the bucket: any instance continues any
 *       upload, with no database and no affinity. An append rewrites it only once its parts and tail
 *       are stored, so a failed append leaves the upload as it was.</li>
 *   <li>One append or commit at a time per upload, across instances: the lock object is created
 *       with {@code If-None-Match: *} and rewritten every third of the lease while held; a lock not
 *       rewritten for a lease ({@link #LOCK_LEASE} by default: its holder died) is broken, so another
 *       instance continues the upload a lease after the one appending to it was killed.</li>
 *   <li>A commit checks the digest before anything is visible (SHA-256 from the saved state; SHA-512
 *       by reading the assembled bytes back), then copies them to the digest's key. Nothing appears
 *       under {@code blobs/} that was not verified.</li>
 *   <li>Reads: a {@link BlobRead.Redirect} to a presigned GET URL of the whole blob when
 *       {@link Options#redirect()} is on, else a {@link BlobRead.Stream} of a ranged GET, with
 *       back-pressure. Results come back on the caller's Vert.x context.</li>
 * </ul>
 * The HTTP connections run on the Vert.x event loops (no threads of their own); {@link #close}
 * closes the client.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {

    /** How long a lock may go unrenewed before another request takes it over (its holder is presumed dead). */
    public static final Duration LOCK_LEASE = Duration.ofMinutes(1);
    private final Duration lockLease;

    private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Above this an object cannot be copied in one request (S3's limit). */
    private static final long COPY_LIMIT = 5L * 1024 * 1024 * 1024;

    /**
     * Where and how a {@link S3BlobStore} stores blobs.
     *
     * @param endpoint             the S3 API's URL; {@code null} for AWS's endpoint of the region
     * @param region               the signing region ({@code us-east-1} suits most other servers)
     * @param bucket               the bucket, created when missing
     * @param prefix               the keys' prefix ({@code ""}, or a path ending with {@code /})
     * @param pathStyle            address the bucket in the path rather than the host name (most
     *                             servers other than AWS need this)
     * @param accessKey            the access key id, or {@code null} for the SDK's default chain
     *                             (environment, profile, instance role…)
     * @param secretKey            its secret, or {@code null} with {@code accessKey}
     * @param partSize             bytes per multipart part: at least {@link #MIN_PART_SIZE}; also what an
     *                             append holds in memory at most
     * @param redirect             answer reads with a presigned URL instead of streaming
     * @param presignedUrlLifetime how long a presigned URL works
     */
    public record Options(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
                          String accessKey, String secretKey, long partSize, boolean redirect,
                          Duration presignedUrlLifetime) {

        /** S3's smallest part (all parts but the last). */
        public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
        public static final long DEFAULT_PART_SIZE = 10L * 1024 * 1024;
        public static final Duration DEFAULT_URL_LIFETIME = Duration.ofMinutes(20);

        public Options {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(presignedUrlLifetime, "presignedUrlLifetime");
            if (bucket.isBlank()) {
                throw new IllegalArgumentException("a bucket is needed");
            }
            prefix = prefix == null ? "" : prefix.replaceAll("^/+", "");
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + '/';
            }
            if (partSize < MIN_PART_SIZE) {
                throw new IllegalArgumentException("parts are at least " + MIN_PART_SIZE + " bytes, not " + partSize);
            }
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("an access key and its secret go together");
            }
            if (presignedUrlLifetime.isNegative() || presignedUrlLifetime.isZero()) {
                throw new IllegalArgumentException("a presigned URL must last: " + presignedUrlLifetime);
            }
        }

        /** A bucket on a server, path-style, no prefix, default credentials, 10 MiB parts, streamed reads. */
        public static Options of(URI endpoint, String region, String bucket) {
            return new Options(endpoint, region, bucket, "", true, null, null, DEFAULT_PART_SIZE, false, DEFAULT_URL_LIFETIME);
        }

        public Options withPrefix(String newPrefix) {
            return new Options(endpoint, region, bucket, newPrefix, pathStyle, accessKey, secretKey, partSize, redirect,
                    presignedUrlLifetime);
        }

        public Options withCredentials(String newAccessKey, String newSecretKey) {
            return new Options(endpoint, region, bucket, prefix, pathStyle, newAccessKey, newSecretKey, partSize, redirect,
                    presignedUrlLifetime);
        }

        public Options withPartSize(long newPartSize) {
            return new Options(endpoint, region, bucket, prefix, pathStyle, accessKey, secretKey, newPartSize, redirect,
                    presignedUrlLifetime);
        }

        public Options withRedirect(boolean newRedirect) {
            return new Options(endpoint, region, bucket, prefix, pathStyle, accessKey, secretKey, partSize, newRedirect,
                    presignedUrlLifetime);
        }

        @Override
        public String toString() {
            return "S3 " + (endpoint == null ? "aws" : endpoint) + " " + region + " " + bucket + "/" + prefix
                    + (redirect ? " redirect" : " stream") + " parts " + partSize;
        }
    }

    private final Vertx vertx;
    private final Options options;
    private final S3AsyncClient s3;
    private final S3Presigner presigner;
    /**
     * Streams blob reads from presigned URLs: one GET straight to the object, its body piped to the
     * client as it arrives. Through the SDK a read took a HEAD and a GET, and the body was copied from
     * Netty's buffers into heap buffers and again into Vert.x's: three times the registry's CPU per
     * byte. The SDK keeps every other call (uploads, copies, listings, sessions and locks).
     */
    private final HttpClient objects;
    private final Future<Void> prepared;

    public S3BlobStore(Vertx vertx, Options options) {
        this(vertx, options, LOCK_LEASE);
    }

    /**
     * With another lock lease: how soon a dead holder's lock is broken. A live holder rewrites its lock every
     * third of it (none with a zero lease), so it should be some seconds longer than the clock skew between
     * the instances and the S3 server (which dates objects to the second).
     */
    public S3BlobStore(Vertx vertx, Options options, Duration lockLease) {
        this.lockLease = Objects.requireNonNull(lockLease, "lockLease");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        AwsCredentialsProvider credentials = options.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(options.accessKey(), options.secretKey()));
        S3Configuration s3Configuration = S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build();
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(SdkEventLoopGroup.create(vertx.nettyEventLoopGroup()))
                .maxConcurrency(256)
                .build();
        var builder = S3AsyncClient.builder()
                .httpClient(http)
                .region(Region.of(options.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(s3Configuration)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presignerBuilder = S3Presigner.builder()
                .region(Region.of(options.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(s3Configuration);
        if (options.endpoint() != null) {
            builder.endpointOverride(options.endpoint());
            presignerBuilder.endpointOverride(options.endpoint());
        }
        this.s3 = builder.build();
        this.presigner = presignerBuilder.build();
        this.objects = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(256));
        this.prepared = Future.fromCompletionStage(ensureBucket());
    }

    /** Creates the bucket unless it is there (another instance may create it at the same moment). */
    private CompletableFuture<Void> ensureBucket() {
        return s3.headBucket(b -> b.bucket(options.bucket()))
                .<Void>thenApply(ok -> null)
                .exceptionallyCompose(failure -> {
                    if (!notFound(failure)) {
                        return CompletableFuture.failedFuture(unwrap(failure));
                    }
                    return s3.createBucket(b -> b.bucket(options.bucket()))
                            .<Void>thenApply(created -> null)
                            .exceptionallyCompose(raced -> status(raced) == 409
                                    ? CompletableFuture.completedFuture(null)
                                    : CompletableFuture.failedFuture(unwrap(raced)));
                });
    }

    @Override
    public void close() {
        objects.close();
        presigner.close();
        s3.close();
    }

    // ---------------------------------------------------------------- blobs

    @Override
    public Uni<Long> size(String digest) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().nullItem();
        }
        return run(context -> head(blobKey(parsed)).thenApply(head -> head == null ? null : head.contentLength()));
    }

    @Override
    public Uni<byte[]> readSmall(String digest, int maxBytes) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().nullItem();
        }
        String key = blobKey(parsed);
        return run(context -> head(key).thenCompose(head -> head == null || head.contentLength() > maxBytes
                ? CompletableFuture.<byte[]>completedFuture(null)
                : readBytes(key)));
    }

    /**
     * A {@link BlobRead.Redirect} when {@link Options#redirect()} is on, else a {@link BlobRead.Stream};
     * an empty range is always an empty stream.
     */
    @Override
    public Uni<BlobRead> read(String digest, long offset, long length) {
        return run(context -> {
            BlobDigest parsed = BlobDigest.parse(digest);
            if (parsed == null) {
                return CompletableFuture.failedFuture(new BlobNotFoundException("no blob " + digest));
            }
            String key = blobKey(parsed);
            if (offset < 0 || length < 0) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("bytes " + offset + "+" + length + " are not a range"));
            }
            if (!options.redirect() && length > 0) {
                // The object's answer says whether it exists and holds the range: no HEAD first.
                return streamObject(context, key, offset, length);
            }
            return head(key).thenApply(head -> {
                if (head == null) {
                    throw new BlobNotFoundException("no blob " + digest);
                }
                long size = head.contentLength();
                if (offset > size || length > size - offset) {
                    throw new IllegalArgumentException("bytes " + offset + "+" + length + " are not within a blob of " + size);
                }
                // An empty range: not worth a round trip to the object store, even when redirecting.
                return length == 0 ? emptyStream(context) : new BlobRead.Redirect(presign(key));
            });
        });
    }

    /**
     * Bytes {@code [offset, offset + length)} of the object at {@code key}, streamed from a presigned URL
     * with a {@code Range}, on {@code context}; fails as {@link #read} does when the object is missing or
     * shorter than the range (S3 answers 404, 416, or a shorter 206).
     */
    private CompletableFuture<BlobRead> streamObject(Context context, String key, long offset, long length) {
        CompletableFuture<BlobRead> result = new CompletableFuture<>();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(presign(key).toString())
                .putHeader("Range", "bytes=" + offset + "-" + (offset + length - 1));
        context.runOnContext(ignored -> objects.request(request)
                .compose(r -> r.send())
                .onSuccess(response -> {
                    response.pause();
                    String contentLength = response.getHeader(HttpHeaders.CONTENT_LENGTH);
                    boolean whole = response.statusCode() == 206 || (response.statusCode() == 200 && offset == 0);
                    if (whole && contentLength != null && Long.parseLong(contentLength) == length) {
                        result.complete(new BlobRead.Stream(response, length, () -> abandon(response)));
                        return;
                    }
                    abandon(response);
                    switch (response.statusCode()) {
                        case 404 -> result.completeExceptionally(new BlobNotFoundException("no blob at " + key));
                        case 206, 200, 416 -> result.completeExceptionally(new IllegalArgumentException("bytes " + offset + "+"
                                + length + " are not within the blob (" + response.getHeader("Content-Range") + ")"));
                        default -> result.completeExceptionally(new IllegalStateException("the object store answered "
                                + response.statusCode() + " to a read of " + key));
                    }
                })
                .onFailure(result::completeExceptionally));
        return result;
    }

    /** Drops the connection of a read not taken to its end (a no-op once the body has ended). */
    private static void abandon(HttpClientResponse response) {
        if (!response.end().isComplete()) {
            response.request().reset();
        }
    }

    private BlobRead emptyStream(Context context) {
        PublisherReadStream body = PublisherReadStream.of(context, subscriber -> subscriber.onSubscribe(
                new org.reactivestreams.Subscription() {
                    private boolean done;

                    @Override
                    public void request(long n) {
                        if (!done) {
                            done = true;
                            subscriber.onComplete();
                        }
                    }

                    @Override
                    public void cancel() {
                        done = true;
                    }
                }));
        return new BlobRead.Stream(body, 0, body::cancel);
    }

    private URI presign(String key) {
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(options.presignedUrlLifetime())
                    .getObjectRequest(g -> g.bucket(options.bucket()).key(key))).url().toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }

    @Override
    public Uni<Boolean> delete(String digest) {
        BlobDigest parsed = BlobDigest.parse(digest);
        if (parsed == null) {
            return Uni.createFrom().item(false);
        }
        String key = blobKey(parsed);
        return run(context -> head(key).thenCompose(head -> head == null
                ? CompletableFuture.completedFuture(false)
                : deleteObject(key).thenApply(deleted -> true)));
    }

    @Override
    public Uni<List<String>> committedBetween(Instant since, Instant until) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        String blobs = options.prefix() + "blobs/";
        return run(context -> {
            List<String> digests = new ArrayList<>();
            return s3.listObjectsV2Paginator(b -> b.bucket(options.bucket()).prefix(blobs)).contents()
                    .subscribe((S3Object object) -> {
                        Instant modified = object.lastModified();
                        if (!modified.isBefore(since) && modified.isBefore(until)) {
                            String digest = digestOfKey(object.key().substring(blobs.length()));
                            if (digest != null) {
                                synchronized (digests) {
                                    digests.add(digest);
                                }
                            }
                        }
                    })
                    .thenApply(done -> List.copyOf(digests));
        });
    }

    /** {@code sha256/ab/abcdef…} back to {@code sha256:abcdef…}; {@code null} for anything else. */
    private static String digestOfKey(String relative) {
        String[] segments = relative.split("/");
        if (segments.length != 3) {
            return null;
        }
        BlobDigest digest = BlobDigest.parse(segments[0] + ':' + segments[2]);
        return digest == null ? null : digest.toString();
    }

    // -------------------------------------------------------------- uploads

    @Override
    public Uni<UploadState> createUpload(String repository) {
        Objects.requireNonNull(repository, "repository");
        String id = UUID.randomUUID().toString();
        S3UploadSession session = S3UploadSession.started(repository, Instant.now());
        return run(context -> putSession(id, session).thenApply(written -> state(id, session)));
    }

    @Override
    public Uni<UploadState> upload(String uploadId) {
        if (!validId(uploadId)) {
            return Uni.createFrom().nullItem();
        }
        return run(context -> session(uploadId).thenApply(session -> session == null ? null : state(uploadId, session)));
    }

    @Override
    public Uni<UploadState> append(String uploadId, long expectedOffset, ReadStream<Buffer> body) {
        Objects.requireNonNull(body, "body");
        return run(context -> locked(uploadId, session -> {
            if (expectedOffset != -1 && expectedOffset != session.size()) {
                throw new UploadOffsetException(session.size(), expectedOffset);
            }
            return readTail(session).thenCompose(tail -> write(context, uploadId, session, tail, body));
        }));
    }

    /** Streams {@code body} into parts and a new tail, then saves the longer session. */
    private CompletableFuture<UploadState> write(Context context, String uploadId, S3UploadSession session, Buffer tail,
                                                 ReadStream<Buffer> body) {
        String[] multipartId = {session.multipartId()};
        String dataKey = uploadKey(uploadId, "data");
        S3PartWriter writer = new S3PartWriter(context, options.partSize(), session.digest(), tail, session.parts(),
                (number, bytes) -> Future.fromCompletionStage(multipart(multipartId, dataKey)
                        .thenCompose(mpu -> s3.uploadPart(b -> b.bucket(options.bucket()).key(dataKey).uploadId(mpu)
                                        .partNumber(number).contentLength((long) bytes.length()),
                                AsyncRequestBody.fromByteBufferUnsafe(bytes.getByteBuf().nioBuffer())))
                        .thenApply(uploaded -> uploaded.eTag())));
        CompletableFuture<UploadState> appended = writer.write(body).toCompletionStage().toCompletableFuture()
                .thenCompose(written -> {
                    String tailKey = written.tail().length() == 0 ? null : uploadKey(uploadId, "tail-" + UUID.randomUUID());
                    CompletableFuture<?> tailStored = tailKey == null ? CompletableFuture.completedFuture(null)
                            : s3.putObject(b -> b.bucket(options.bucket()).key(tailKey).contentLength((long) written.tail().length()),
                                    AsyncRequestBody.fromBytes(written.tail().getBytes()));
                    S3UploadSession longer = session.appended(multipartId[0], written.parts(), tailKey,
                            session.size() + written.bytes(), written.digest(), Instant.now());
                    return tailStored
                            .thenCompose(stored -> putSession(uploadId, longer))
                            .thenCompose(saved -> session.tailKey() == null ? CompletableFuture.completedFuture(null)
                                    : deleteObject(session.tailKey()))
                            .thenApply(old -> state(uploadId, longer));
                });
        return appended.exceptionallyCompose(failure -> {
            // The session is as it was; a multipart upload begun by this append alone is dropped.
            CompletableFuture<?> cleanup = multipartId[0] != null && session.multipartId() == null
                    ? abortMultipart(dataKey, multipartId[0]) : CompletableFuture.completedFuture(null);
            return cleanup.handle((ignored, alsoFailed) -> null)
                    .thenCompose(ignored -> CompletableFuture.failedFuture(unwrap(failure)));
        });
    }

    /** The multipart upload of the session, created when its first part is sent. */
    private CompletableFuture<String> multipart(String[] multipartId, String dataKey) {
        if (multipartId[0] != null) {
            return CompletableFuture.completedFuture(multipartId[0]);
        }
        return s3.createMultipartUpload(b -> b.bucket(options.bucket()).key(dataKey))
                .thenApply(created -> multipartId[0] = created.uploadId());
    }

    @Override
    public Uni<Long> commit(String uploadId, String digest) {
        return run(context -> {
            BlobDigest parsed = BlobDigest.parse(digest);
            if (parsed == null && validId(uploadId)) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unsupported digest: " + digest));
            }
            return locked(uploadId, session -> commit(uploadId, session, parsed));
        });
    }

    private CompletableFuture<Long> commit(String uploadId, S3UploadSession session, BlobDigest digest) {
        if (digest.algorithm().equals("sha256")) {
            byte[] hash = new byte[32];
            session.digest().doFinal(hash, 0);
            if (!HexFormat.of().formatHex(hash).equals(digest.hex())) {
                return mismatch(uploadId, session, digest, null);
            }
        }
        return assemble(uploadId, session).thenCompose(source -> verifyByReading(source, digest)
                .thenCompose(matches -> matches
                        ? publish(source, session.size(), blobKey(digest)).thenCompose(done -> remove(uploadId, session, source))
                                .thenApply(removed -> session.size())
                        : mismatch(uploadId, session, digest, source)));
    }

    private CompletableFuture<Long> mismatch(String uploadId, S3UploadSession session, BlobDigest digest, String source) {
        return remove(uploadId, session, source).thenCompose(removed -> CompletableFuture.failedFuture(
                new DigestMismatchException("upload " + uploadId + " does not hash to " + digest)));
    }

    /**
     * The object holding all of the upload's bytes: the completed multipart upload (the tail sent as
     * its last part), or the tail alone when there are no parts, or {@code null} for no bytes at all.
     */
    private CompletableFuture<String> assemble(String uploadId, S3UploadSession session) {
        if (session.parts().isEmpty()) {
            return CompletableFuture.completedFuture(session.tailKey());
        }
        String dataKey = uploadKey(uploadId, "data");
        List<CompletedPart> completed = new ArrayList<>();
        for (S3UploadSession.Part part : session.parts()) {
            completed.add(CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build());
        }
        CompletableFuture<Void> lastPart = CompletableFuture.completedFuture(null);
        if (session.tailKey() != null) {
            int number = session.parts().size() + 1;
            lastPart = readBytes(session.tailKey()).thenCompose(tail -> s3.uploadPart(b -> b.bucket(options.bucket())
                            .key(dataKey).uploadId(session.multipartId()).partNumber(number).contentLength((long) tail.length),
                    AsyncRequestBody.fromBytes(tail)))
                    .thenAccept(uploaded -> completed.add(CompletedPart.builder().partNumber(number).eTag(uploaded.eTag()).build()));
        }
        return lastPart.thenCompose(sent -> s3.completeMultipartUpload(b -> b.bucket(options.bucket()).key(dataKey)
                        .uploadId(session.multipartId()).multipartUpload(m -> m.parts(completed))))
                .thenApply(done -> dataKey);
    }

    /** SHA-256 was checked from the saved state; any other algorithm hashes the assembled bytes. */
    private CompletableFuture<Boolean> verifyByReading(String source, BlobDigest digest) {
        if (digest.algorithm().equals("sha256")) {
            return CompletableFuture.completedFuture(true);
        }
        MessageDigest hash = digest.newMessageDigest();
        if (source == null) {
            return CompletableFuture.completedFuture(HexFormat.of().formatHex(hash.digest()).equals(digest.hex()));
        }
        return s3.getObject(b -> b.bucket(options.bucket()).key(source), AsyncResponseTransformer.<GetObjectResponse>toPublisher())
                .thenCompose((ResponsePublisher<GetObjectResponse> publisher) -> publisher.subscribe(hash::update))
                .thenApply(read -> HexFormat.of().formatHex(hash.digest()).equals(digest.hex()));
    }

    /** Copies the verified bytes to the digest's key, unless a blob is there already. */
    private CompletableFuture<Void> publish(String source, long size, String blobKey) {
        return head(blobKey).thenCompose(existing -> {
            if (existing != null) {
                return CompletableFuture.completedFuture(null);
            }
            if (source == null) {
                return s3.putObject(b -> b.bucket(options.bucket()).key(blobKey).contentLength(0L), AsyncRequestBody.empty())
                        .thenApply(put -> null);
            }
            if (size <= COPY_LIMIT) {
                return s3.copyObject(b -> b.sourceBucket(options.bucket()).sourceKey(source)
                        .destinationBucket(options.bucket()).destinationKey(blobKey)).thenApply(copied -> null);
            }
            return copyInParts(source, size, blobKey);
        });
    }

    /** A copy of an object too large for one copy request, as a multipart upload of ranged part copies. */
    private CompletableFuture<Void> copyInParts(String source, long size, String blobKey) {
        long partBytes = Math.max(options.partSize(), 512L * 1024 * 1024);
        return s3.createMultipartUpload(b -> b.bucket(options.bucket()).key(blobKey)).thenCompose(created -> {
            String mpu = created.uploadId();
            List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
            int number = 1;
            for (long from = 0; from < size; from += partBytes, number++) {
                int partNumber = number;
                String range = "bytes=" + from + "-" + (Math.min(size, from + partBytes) - 1);
                parts.add(s3.uploadPartCopy(b -> b.sourceBucket(options.bucket()).sourceKey(source).copySourceRange(range)
                                .destinationBucket(options.bucket()).destinationKey(blobKey).uploadId(mpu).partNumber(partNumber))
                        .thenApply(copied -> CompletedPart.builder().partNumber(partNumber).eTag(copied.copyPartResult().eTag()).build()));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .thenCompose(all -> s3.completeMultipartUpload(b -> b.bucket(options.bucket()).key(blobKey).uploadId(mpu)
                            .multipartUpload(m -> m.parts(parts.stream().map(CompletableFuture::join).toList()))))
                    .<Void>thenApply(done -> null)
                    .exceptionallyCompose(failure -> abortMultipart(blobKey, mpu)
                            .handle((ignored, alsoFailed) -> null)
                            .thenCompose(ignored -> CompletableFuture.failedFuture(unwrap(failure))));
        });
    }

    @Override
    public Uni<Boolean> cancel(String uploadId) {
        if (!validId(uploadId)) {
            return Uni.createFrom().item(false);
        }
        return run(context -> session(uploadId).thenCompose(session -> session == null
                ? CompletableFuture.completedFuture(false)
                : remove(uploadId, session, null).thenApply(removed -> true)));
    }

    /**
     * Removes everything of an upload: its multipart upload (aborted unless completed into
     * {@code assembled}), tail, assembled object, session and lock; the session goes last but one,
     * so a failure midway leaves an upload the purge finds again.
     */
    private CompletableFuture<Void> remove(String uploadId, S3UploadSession session, String assembled) {
        String dataKey = uploadKey(uploadId, "data");
        CompletableFuture<?> multipart = session.multipartId() != null && !dataKey.equals(assembled)
                ? abortMultipart(dataKey, session.multipartId()) : CompletableFuture.completedFuture(null);
        return multipart
                .thenCompose(aborted -> assembled != null && !assembled.equals(session.tailKey())
                        ? deleteObject(assembled) : CompletableFuture.completedFuture(null))
                .thenCompose(deleted -> session.tailKey() != null ? deleteObject(session.tailKey()) : CompletableFuture.completedFuture(null))
                .thenCompose(deleted -> deleteObject(uploadKey(uploadId, "session")))
                .thenCompose(deleted -> deleteObject(uploadKey(uploadId, "lock")));
    }

    // ---------------------------------------------------------- maintenance

    /**
     * Removes the sessions not appended to for longer than {@code age}, and aborts multipart
     * uploads under the prefix older than that with no session (left by a process that died while
     * appending); returns how many sessions and orphans were removed.
     */
    @Override
    public Uni<Integer> purgeUploadsOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        String uploads = options.prefix() + "uploads/";
        return run(context -> {
            Instant cutoff = Instant.now().minus(age);
            List<String> ids = new ArrayList<>();
            return s3.listObjectsV2Paginator(b -> b.bucket(options.bucket()).prefix(uploads)).contents()
                    .subscribe(object -> {
                        String relative = object.key().substring(uploads.length());
                        if (relative.endsWith("/session")) {
                            synchronized (ids) {
                                ids.add(relative.substring(0, relative.length() - "/session".length()));
                            }
                        }
                    })
                    .thenCompose(listed -> {
                        List<CompletableFuture<Integer>> purged = new ArrayList<>();
                        for (String id : ids) {
                            purged.add(session(id).thenCompose(session -> session == null || !session.updatedAt().isBefore(cutoff)
                                    ? CompletableFuture.completedFuture(0)
                                    : remove(id, session, null).thenApply(removed -> 1)));
                        }
                        return sum(purged);
                    })
                    .thenCompose(sessions -> abortOrphans(uploads, cutoff).thenApply(orphans -> sessions + orphans));
        });
    }

    private CompletableFuture<Integer> abortOrphans(String uploads, Instant cutoff) {
        List<MultipartUpload> old = new ArrayList<>();
        return s3.listMultipartUploadsPaginator(b -> b.bucket(options.bucket()).prefix(uploads)).uploads()
                .subscribe(upload -> {
                    if (upload.initiated().isBefore(cutoff)) {
                        synchronized (old) {
                            old.add(upload);
                        }
                    }
                })
                .thenCompose(listed -> {
                    List<CompletableFuture<Integer>> aborted = new ArrayList<>();
                    for (MultipartUpload upload : old) {
                        String id = upload.key().substring(uploads.length()).split("/")[0];
                        aborted.add(session(id).thenCompose(session -> session != null
                                ? CompletableFuture.completedFuture(0)
                                : abortMultipart(upload.key(), upload.uploadId()).thenApply(done -> 1)));
                    }
                    return sum(aborted);
                });
    }

    private static CompletableFuture<Integer> sum(List<CompletableFuture<Integer>> counts) {
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                .thenApply(all -> counts.stream().mapToInt(CompletableFuture::join).sum());
    }

    /** Makes an upload look idle for {@code idle} (tests of the purge). */
    void backdate(String uploadId, Duration idle) throws Exception {
        S3UploadSession session = session(uploadId).get();
        putSession(uploadId, session.touchedAt(Instant.now().minus(idle))).get();
    }

    // -------------------------------------------------- sessions and locks

    /**
     * Runs {@code work} on the upload's session while holding its lock, then releases the lock.
     * Fails with {@link UploadNotFoundException} when there is no such upload, and with
     * {@link UploadBusyException} when another request holds the lock (nothing done).
     */
    private <T> CompletableFuture<T> locked(String uploadId, Function<S3UploadSession, CompletableFuture<T>> work) {
        if (!validId(uploadId)) {
            return CompletableFuture.failedFuture(notFound(uploadId));
        }
        return session(uploadId).thenCompose(before -> {
            if (before == null) {
                throw notFound(uploadId);
            }
            return lock(uploadId, true).thenCompose(acquired -> {
                if (!acquired) {
                    throw new UploadBusyException(uploadId, before.size());
                }
                LockRenewal renewal = new LockRenewal(uploadId);
                CompletableFuture<T> done = session(uploadId).thenCompose(session -> {
                    if (session == null) {
                        throw notFound(uploadId);
                    }
                    return work.apply(session);
                });
                return done.handle((result, failure) -> failure).thenCompose(failure -> renewal.stop().thenCompose(stopped -> unlock(uploadId))
                        .handle((unlocked, unlockFailed) -> null)
                        .thenCompose(unlocked -> failure == null ? done : CompletableFuture.failedFuture(unwrap(failure))));
            });
        });
    }

    /** Creates the lock object; {@code false} when it exists (and is not older than the lease). */
    private CompletableFuture<Boolean> lock(String uploadId, boolean breakStale) {
        String key = uploadKey(uploadId, "lock");
        return s3.putObject(b -> b.bucket(options.bucket()).key(key).ifNoneMatch("*"), AsyncRequestBody.fromString(Instant.now().toString()))
                .thenApply(put -> true)
                .exceptionallyCompose(failure -> {
                    int status = status(failure);
                    if (status != 412 && status != 409) {
                        return CompletableFuture.failedFuture(unwrap(failure));
                    }
                    if (!breakStale) {
                        return CompletableFuture.completedFuture(false);
                    }
                    return head(key).thenCompose(held -> held != null
                            && held.lastModified().isBefore(Instant.now().minus(lockLease))
                            ? deleteObject(key).thenCompose(broken -> lock(uploadId, false))
                            : CompletableFuture.completedFuture(false));
                });
    }

    /**
     * Rewrites a held lock every third of the lease, so that a long append or commit is not taken for a
     * dead holder's; stopped before the lock is deleted, so that no rewrite brings it back.
     */
    private final class LockRenewal {
        private final String uploadId;
        private final long timer;
        private CompletableFuture<?> renewing = CompletableFuture.completedFuture(null);
        private boolean stopped;

        LockRenewal(String uploadId) {
            this.uploadId = uploadId;
            long period = lockLease.toMillis() / 3;
            this.timer = period > 0 ? vertx.setPeriodic(period, id -> renew()) : -1;
        }

        private synchronized void renew() {
            if (stopped || !renewing.isDone()) {
                return;
            }
            renewing = s3.putObject(b -> b.bucket(options.bucket()).key(uploadKey(uploadId, "lock")),
                    AsyncRequestBody.fromString(Instant.now().toString()));
        }

        /** Stops renewing; completes once no rewrite is under way. */
        synchronized CompletableFuture<Void> stop() {
            stopped = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            return renewing.handle((put, failed) -> null);
        }
    }

    private CompletableFuture<Void> unlock(String uploadId) {
        return deleteObject(uploadKey(uploadId, "lock"));
    }

    private CompletableFuture<S3UploadSession> session(String uploadId) {
        return s3.getObject(b -> b.bucket(options.bucket()).key(uploadKey(uploadId, "session")), AsyncResponseTransformer.toBytes())
                .thenApply((ResponseBytes<GetObjectResponse> bytes) -> S3UploadSession.decode(bytes.asByteArray()))
                .exceptionallyCompose(failure -> notFound(failure)
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(unwrap(failure)));
    }

    private CompletableFuture<Void> putSession(String uploadId, S3UploadSession session) {
        byte[] encoded = session.encode();
        return s3.putObject(b -> b.bucket(options.bucket()).key(uploadKey(uploadId, "session")).contentType("application/json")
                                .contentLength((long) encoded.length),
                        AsyncRequestBody.fromBytes(encoded))
                .thenApply(put -> null);
    }

    private CompletableFuture<Buffer> readTail(S3UploadSession session) {
        if (session.tailKey() == null) {
            return CompletableFuture.completedFuture(Buffer.buffer());
        }
        return readBytes(session.tailKey()).thenApply(Buffer::buffer);
    }

    private static UploadState state(String id, S3UploadSession session) {
        return new UploadState(id, session.repository(), session.size(), session.startedAt());
    }

    private static boolean validId(String uploadId) {
        return uploadId != null && UPLOAD_ID.matcher(uploadId).matches();
    }

    private static UploadNotFoundException notFound(String uploadId) {
        return new UploadNotFoundException("no upload " + uploadId);
    }

    // ---------------------------------------------------------- S3 plumbing

    private String blobKey(BlobDigest digest) {
        return options.prefix() + "blobs/" + digest.algorithm() + '/' + digest.hex().substring(0, 2) + '/' + digest.hex();
    }

    private String uploadKey(String uploadId, String name) {
        return options.prefix() + "uploads/" + uploadId + '/' + name;
    }

    /** The object's metadata, or {@code null} when there is no such object. */
    private CompletableFuture<HeadObjectResponse> head(String key) {
        return s3.headObject(b -> b.bucket(options.bucket()).key(key))
                .exceptionallyCompose(failure -> notFound(failure)
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(unwrap(failure)));
    }

    private CompletableFuture<byte[]> readBytes(String key) {
        return s3.getObject(b -> b.bucket(options.bucket()).key(key), AsyncResponseTransformer.toBytes())
                .thenApply(ResponseBytes::asByteArray);
    }

    private CompletableFuture<Void> deleteObject(String key) {
        return s3.deleteObject(b -> b.bucket(options.bucket()).key(key)).thenApply(deleted -> null);
    }

    private CompletableFuture<Void> abortMultipart(String key, String multipartId) {
        return s3.abortMultipartUpload(b -> b.bucket(options.bucket()).key(key).uploadId(multipartId))
                .<Void>thenApply(aborted -> null)
                .exceptionallyCompose(failure -> notFound(failure)
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(unwrap(failure)));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static int status(Throwable failure) {
        return unwrap(failure) instanceof S3Exception s3 ? s3.statusCode() : -1;
    }

    private static boolean notFound(Throwable failure) {
        return status(failure) == 404;
    }

    /**
     * Runs {@code operation} once the bucket is known to exist, and completes on the Vert.x context
     * of the subscriber (the SDK completes its futures on threads of its own).
     */
    private <T> Uni<T> run(Function<Context, CompletableFuture<T>> operation) {
        return Uni.createFrom().completionStage(() -> {
            Context context = vertx.getOrCreateContext();
            Promise<T> result = Promise.promise();
            prepared.onComplete(ready -> {
                if (ready.failed()) {
                    result.fail(new IllegalStateException("S3 bucket " + options.bucket() + " is not usable", ready.cause()));
                    return;
                }
                CompletableFuture<T> started;
                try {
                    started = operation.apply(context);
                } catch (RuntimeException e) {
                    started = CompletableFuture.failedFuture(e);
                }
                started.whenComplete((value, failure) -> context.runOnContext(ignored -> {
                    if (failure != null) {
                        result.fail(unwrap(failure));
                    } else {
                        result.complete(value);
                    }
                }));
            });
            return result.future().toCompletionStage();
        });
    }
}
