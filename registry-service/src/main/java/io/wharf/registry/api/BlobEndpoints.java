package io.wharf.registry.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;
import io.wharf.registry.proxy.BlobPullThrough;
import io.wharf.registry.proxy.PullThrough;
import io.wharf.registry.quota.QuotaExceededException;
import io.wharf.registry.quota.QuotaGuard;
import io.wharf.registry.service.BlobService;
import io.wharf.registry.oci.Names;
import io.wharf.registry.storage.BlobNotFoundException;
import io.wharf.registry.storage.BlobStore;
import io.wharf.registry.storage.DigestMismatchException;
import io.wharf.registry.storage.UploadNotFoundException;
import io.wharf.registry.storage.UploadOffsetException;
import io.wharf.registry.storage.UploadState;

/** Blob reads and deletes, and the upload protocol (POST, PATCH, PUT, GET status, DELETE). */
@ApplicationScoped
public class BlobEndpoints {

    private final BlobStore store;
    private final BlobService blobs;
    private final QuotaGuard quotas;

    private final BlobPullThrough proxies;
    private final PullThrough pullThrough;

    public BlobEndpoints(BlobStore store, BlobService blobs, QuotaGuard quotas, BlobPullThrough proxies, PullThrough pullThrough) {
        this.proxies = proxies;
        this.pullThrough = pullThrough;
        this.store = store;
        this.blobs = blobs;
        this.quotas = quotas;
    }

    /**
     * GET/HEAD {@code /v2/<name>/blobs/<digest>}, with single-range {@code Range} support on GET.
     * HEAD answers from the repository's link alone; GET serves what the store hands out.
     */
    Uni<Void> get(RoutingContext ctx, RegistryRequest r, boolean head) {
        String digest = Names.digest(r.reference());
        ctx.request().resume();
        // Not linked: a proxy project fetches it (and answers, or links it: a size), any other answers BLOB_UNKNOWN.
        return blobs.linkedSize(r.repository(), digest).chain(size -> size != null ? Uni.createFrom().item(size)
                : proxies.fetch(r.repository(), digest, head, ctx.response(), whole -> BlobResponses.describe(ctx.response(), digest, whole)))
                .chain(size -> {
            if (size == null) {
                return Uni.createFrom().voidItem(); // answered from the upstream
            }
            ByteRange range = ByteRange.parse(ctx.request().getHeader("Range"), size);
            if (range == ByteRange.UNSATISFIABLE) {
                return Uni.createFrom().failure(new RegistryException(OciError.RANGE_INVALID,
                        "range not satisfiable for " + size + " bytes", Map.of("Content-Range", "bytes */" + size)));
            }
            HttpServerResponse response = ctx.response();
            if (head) {
                BlobResponses.describe(response, digest, size, range);
                response.end();
                return Uni.createFrom().voidItem();
            }
            long offset = range == null ? 0 : range.start();
            long length = range == null ? size : range.length();
            return store.read(digest, offset, length)
                    .chain(read -> Uni.createFrom().completionStage(() ->
                            BlobResponses.send(response, digest, size, range, read).toCompletionStage()))
                    .onFailure(BlobNotFoundException.class).transform(e -> OciError.BLOB_UNKNOWN.exception(digest));
        });
    }

    /** DELETE {@code /v2/<name>/blobs/<digest>}: unlinks the blob from the repository. */
    Uni<Void> delete(RoutingContext ctx, RegistryRequest r) {
        String digest = Names.digest(r.reference());
        ctx.request().resume();
        return blobs.unlink(r.repository(), digest).invoke(unlinked -> {
            if (!unlinked) {
                throw OciError.BLOB_UNKNOWN.exception(digest);
            }
            Responses.empty(ctx.response().putHeader(Responses.CONTENT_DIGEST, digest), 202);
        }).replaceWithVoid();
    }

    /**
     * POST {@code /v2/<name>/blobs/uploads/}: a cross-repository mount ({@code mount}, {@code from}),
     * a monolithic upload ({@code digest} with the body), or a new upload session.
     */
    Uni<Void> startUpload(RoutingContext ctx, RegistryRequest r) {
        return pullThrough.refusePush(r.repository()).chain(() -> startUploadHere(ctx, r));
    }

    private Uni<Void> startUploadHere(RoutingContext ctx, RegistryRequest r) {
        HttpServerRequest request = ctx.request();
        String mount = request.getParam("mount");
        String digest = request.getParam("digest");
        if (mount != null) {
            Bodies.stream(ctx).resume(); // a mount has no body: anything sent is read and dropped
            String mounted = Names.digest(mount);
            String from = request.getParam("from");
            // A mount that cannot be done falls back to an ordinary upload session (Jib relies on it).
            // So does a mount from a repository the caller may not pull from: its blobs stay unseen.
            boolean denied = ctx.get(RegistryGuard.MOUNT_DENIED) != null;
            Uni<Long> source = from == null || denied ? Uni.createFrom().nullItem() : blobs.linkedSize(Names.repository(from), mounted)
                    .onFailure().recoverWithNull();
            return source.chain(size -> size == null
                    ? newSession(ctx, r)
                    : quotas.blob(r.repository(), mounted, size, Callers.of(ctx), () -> blobs.link(r.repository(), mounted, size))
                            // A blob GC is deleting cannot be mounted: the client uploads it instead.
                            .chain(linked -> linked
                                    ? Uni.createFrom().voidItem().invoke(() -> created(ctx, r, mounted))
                                    : newSession(ctx, r)));
        }
        if (digest != null) {
            String expected = Names.blobDigest(digest);
            return store.createUpload(r.repository())
                    .chain(upload -> append(ctx, r, upload, null)
                            .chain(state -> commit(ctx, r, state, expected))
                            .onFailure().call(() -> store.cancel(upload.id())));
        }
        return newSession(ctx, r);
    }

    private Uni<Void> newSession(RoutingContext ctx, RegistryRequest r) {
        Bodies.stream(ctx).resume();
        return store.createUpload(r.repository()).invoke(upload -> {
            uploadHeaders(ctx.response(), r, upload);
            Responses.empty(ctx.response(), 202);
        }).replaceWithVoid();
    }

    /** PATCH {@code /v2/<name>/blobs/uploads/<id>}: appends the body (streamed or one chunk). */
    Uni<Void> patchUpload(RoutingContext ctx, RegistryRequest r) {
        HttpServerRequest request = ctx.request();
        return session(r).chain(upload -> {
            ContentRange range = ContentRange.parse(request.getHeader("Content-Range"), request.getHeader("Content-Length"), upload.size());
            return append(ctx, r, upload, range)
                    .invoke(state -> {
                        uploadHeaders(ctx.response(), r, state);
                        Responses.empty(ctx.response(), 202);
                    });
        }).replaceWithVoid();
    }

    /** PUT {@code /v2/<name>/blobs/uploads/<id>?digest=}: appends a final body if any, verifies, commits. */
    Uni<Void> finishUpload(RoutingContext ctx, RegistryRequest r) {
        HttpServerRequest request = ctx.request();
        String digest = Names.blobDigest(request.getParam("digest"));
        return session(r).chain(upload -> {
            Uni<UploadState> written;
            if (Bodies.present(request)) {
                ContentRange range = ContentRange.parse(request.getHeader("Content-Range"), request.getHeader("Content-Length"), upload.size());
                written = append(ctx, r, upload, range);
            } else {
                Bodies.stream(ctx).resume();
                written = Uni.createFrom().item(upload);
            }
            return written.chain(state -> commit(ctx, r, state, digest));
        });
    }

    /** GET {@code /v2/<name>/blobs/uploads/<id>}: how much the upload holds. */
    Uni<Void> uploadStatus(RoutingContext ctx, RegistryRequest r) {
        ctx.request().resume();
        return session(r).invoke(upload -> {
            uploadHeaders(ctx.response(), r, upload);
            Responses.empty(ctx.response(), 204);
        }).replaceWithVoid();
    }

    /** DELETE {@code /v2/<name>/blobs/uploads/<id>}: abandons the upload. */
    Uni<Void> cancelUpload(RoutingContext ctx, RegistryRequest r) {
        ctx.request().resume();
        return session(r).chain(upload -> store.cancel(upload.id()))
                .invoke(() -> Responses.empty(ctx.response(), 204))
                .replaceWithVoid();
    }

    /**
     * Appends the request's body to the upload (at {@code range}'s start, or wherever it ends when
     * null), within the project's quota.
     */
    private Uni<UploadState> append(RoutingContext ctx, RegistryRequest r, UploadState upload, ContentRange range) {
        return quotas.upload(r.repository(), upload.size(), ctx.request().getHeader("Content-Length"), Callers.of(ctx),
                        () -> Bodies.stream(ctx), body -> store.append(upload.id(), range == null ? -1 : range.start(), body))
                .onFailure(UploadOffsetException.class).transform(e -> outOfOrder(((UploadOffsetException) e).currentSize()))
                .onFailure(UploadNotFoundException.class).transform(e -> OciError.BLOB_UPLOAD_UNKNOWN.exception(r.reference()));
    }

    private Uni<Void> commit(RoutingContext ctx, RegistryRequest r, UploadState upload, String digest) {
        String uploadId = upload.id();
        return quotas.blob(r.repository(), digest, upload.size(), Callers.of(ctx), () -> blobs.commit(r.repository(), digest,
                                () -> store.commit(uploadId, digest))
                        // Another request is appending to the upload right now (UploadBusyException).
                        .onFailure(UploadOffsetException.class).transform(e -> outOfOrder(((UploadOffsetException) e).currentSize()))
                        .onFailure(DigestMismatchException.class).transform(e -> OciError.DIGEST_INVALID.exception(e.getMessage()))
                        .onFailure(UploadNotFoundException.class).transform(e -> OciError.BLOB_UPLOAD_UNKNOWN.exception(uploadId)))
                // Refused by the quota: the bytes held aside go too.
                .onFailure(QuotaExceededException.class).call(() -> store.cancel(uploadId))
                .invoke(() -> created(ctx, r, digest)).replaceWithVoid();
    }

    private static void created(RoutingContext ctx, RegistryRequest r, String digest) {
        ctx.response()
                .putHeader("Location", r.path("/blobs/" + digest))
                .putHeader(Responses.CONTENT_DIGEST, digest);
        Responses.empty(ctx.response(), 201);
    }

    /** The upload named in the URL, which must belong to the URL's repository. */
    private Uni<UploadState> session(RegistryRequest r) {
        return store.upload(r.reference())
                .onFailure(UploadNotFoundException.class).recoverWithNull()
                .invoke(upload -> {
                    if (upload == null || !upload.repository().equals(r.repository())) {
                        throw OciError.BLOB_UPLOAD_UNKNOWN.exception(r.reference());
                    }
                });
    }

    private static void uploadHeaders(HttpServerResponse response, RegistryRequest r, UploadState upload) {
        response.putHeader("Location", r.path("/blobs/uploads/" + upload.id()))
                .putHeader("Range", "0-" + Math.max(0, upload.size() - 1))
                .putHeader(Responses.UPLOAD_UUID, upload.id());
    }

    private static RuntimeException outOfOrder(long currentSize) {
        return new RegistryException(OciError.RANGE_INVALID,
                "chunk does not start where the upload ends (" + currentSize + " bytes), or another request is writing to it",
                Map.of("Range", "0-" + Math.max(0, currentSize - 1)));
    }
}
