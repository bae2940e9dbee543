package io.wharf.registry.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.api.fastpath.FastPath;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.proxy.DockerHubMirror;

/**
 * The OCI Distribution API ({@code /v2/}) as Vert.x routes: the request body is streamed by the
 * endpoint that needs it, never buffered by the framework. This class only maps a request to the
 * endpoint that serves it and turns failures into the spec's error responses.
 */
@ApplicationScoped
public class RegistryRoutes {

    private final BlobEndpoints blobs;
    private final ManifestEndpoints manifests;
    private final ListingEndpoints listings;
    private final RegistryGuard guard;
    private final FastPath fastPath;
    private final DockerHubMirror mirror;

    public RegistryRoutes(BlobEndpoints blobs, ManifestEndpoints manifests, ListingEndpoints listings, RegistryGuard guard,
            FastPath fastPath, DockerHubMirror mirror) {
        this.mirror = mirror;
        this.fastPath = fastPath;
        this.blobs = blobs;
        this.manifests = manifests;
        this.listings = listings;
        this.guard = guard;
    }

    void install(@Observes Router router) {
        router.route("/v2").handler(this::handle);
        router.route("/v2/*").handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        ReadStream<Buffer> tapped = fastPath.claimBody(request);
        if (tapped != null) {
            ctx.put(Bodies.TAPPED, tapped); // Vert.x's own view of this request has an empty body
        } else {
            // The body is read (or not) by the endpoint, possibly after a database round trip.
            request.pause();
        }
        // Hibernate Reactive may use this request's (duplicated) Vert.x context.
        VertxContextSafetyToggle.setCurrentContextSafe(true);
        ctx.response().putHeader(Responses.API_VERSION, "registry/2.0");
        Uni<Void> work;
        try {
            work = dispatch(ctx, request);
        } catch (RuntimeException e) {
            work = Uni.createFrom().failure(e);
        }
        work.subscribe().with(
                ignored -> {
                },
                failure -> {
                    if (Bodies.awaitsContinue(ctx)) {
                        // The client was never asked for its body and need not send it: the
                        // connection cannot carry another request after this answer.
                        ctx.response().putHeader("Connection", "close");
                        ctx.addEndHandler(ended -> request.connection().close());
                    }
                    // Let an unread body drain (what is sent of it) so the connection stays usable.
                    if (tapped != null) {
                        tapped.resume();
                    } else {
                        resumeUnlessEnded(request);
                    }
                    Responses.error(ctx.response(), failure);
                });
    }

    /**
     * Resumes a paused request. Over HTTP/2 resuming a request whose body was already read throws
     * (HTTP/1.x ignores it); the error response must be written all the same.
     */
    private static void resumeUnlessEnded(HttpServerRequest request) {
        if (request.isEnded()) {
            return;
        }
        try {
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            // Nothing left to drain.
        }
    }

    private Uni<Void> dispatch(RoutingContext ctx, HttpServerRequest request) {
        RegistryRequest r = RegistryPaths.parse(request.path());
        // The metrics' uri label: the endpoint, not the path (which names repositories and digests).
        fastPath.labelMetrics(request, r == null ? "/v2/*" : r.kind().template);
        if (r == null) {
            return Uni.createFrom().failure(OciError.NAME_UNKNOWN.exception("no such endpoint: " + request.path()));
        }
        HttpMethod method = request.method();
        return mirrored(r, method).chain(read -> guard.check(ctx, read, method).chain(principal -> route(ctx, request, read, method)));
    }

    /** A read of a repository that is no Wharf content, of the Docker Hub mirror's instead when there is a mirror; else the request. */
    private Uni<RegistryRequest> mirrored(RegistryRequest r, HttpMethod method) {
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (!read || !(r.kind() == RegistryRequest.Kind.MANIFEST || r.kind() == RegistryRequest.Kind.BLOB
                || r.kind() == RegistryRequest.Kind.TAGS)) {
            return Uni.createFrom().item(r);
        }
        return mirror.read(r.repository()).map(there -> there == null ? r : r.mirroredTo(there));
    }

    private Uni<Void> route(RoutingContext ctx, HttpServerRequest request, RegistryRequest r, HttpMethod method) {
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        return switch (r.kind()) {
            case BASE -> read ? base(ctx) : unsupported(method);
            case CATALOG -> method == HttpMethod.GET ? listings.catalog(ctx) : unsupported(method);
            case TAGS -> method == HttpMethod.GET ? listings.tags(ctx, r) : unsupported(method);
            case REFERRERS -> method == HttpMethod.GET ? listings.referrers(ctx, r) : unsupported(method);
            case MANIFEST -> read ? manifests.get(ctx, r, method == HttpMethod.HEAD)
                    : method == HttpMethod.PUT ? manifests.put(ctx, r)
                    : method == HttpMethod.DELETE ? manifests.delete(ctx, r)
                    : unsupported(method);
            case BLOB -> read ? blobs.get(ctx, r, method == HttpMethod.HEAD)
                    : method == HttpMethod.DELETE ? blobs.delete(ctx, r)
                    : unsupported(method);
            case UPLOADS -> method == HttpMethod.POST ? blobs.startUpload(ctx, r) : unsupported(method);
            case UPLOAD -> method == HttpMethod.PATCH ? blobs.patchUpload(ctx, r)
                    : method == HttpMethod.PUT ? blobs.finishUpload(ctx, r)
                    : method == HttpMethod.GET ? blobs.uploadStatus(ctx, r)
                    : method == HttpMethod.DELETE ? blobs.cancelUpload(ctx, r)
                    : unsupported(method);
        };
    }

    private static Uni<Void> base(RoutingContext ctx) {
        ctx.request().resume();
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end("{}");
        return Uni.createFrom().voidItem();
    }

    private static Uni<Void> unsupported(HttpMethod method) {
        return Uni.createFrom().failure(OciError.UNSUPPORTED.exception(method + " is not supported here"));
    }
}
