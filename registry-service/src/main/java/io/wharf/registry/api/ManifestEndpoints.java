package io.wharf.registry.api;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.events.PullCounter;
import io.wharf.registry.metadata.ManifestEntity;
import io.wharf.registry.oci.MediaTypes;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.quota.QuotaGuard;
import io.wharf.registry.service.Caller;
import io.wharf.registry.proxy.PullThrough;
import io.wharf.registry.service.ManifestService;
import io.wharf.registry.service.StoredManifest;
import io.wharf.registry.oci.Names;

/** GET/HEAD/PUT/DELETE {@code /v2/<name>/manifests/<reference>}. */
@ApplicationScoped
public class ManifestEndpoints {

    private final ManifestService manifests;
    private final PullCounter pulls;
    private final RegistryConfig config;
    private final QuotaGuard quotas;

    private final PullThrough proxies;

    public ManifestEndpoints(ManifestService manifests, PullCounter pulls, RegistryConfig config, QuotaGuard quotas, PullThrough proxies) {
        this.proxies = proxies;
        this.quotas = quotas;
        this.manifests = manifests;
        this.pulls = pulls;
        this.config = config;
    }

    /** Serves the exact bytes pushed, with their media type, length and digest. */
    Uni<Void> get(RoutingContext ctx, RegistryRequest r, boolean head) {
        ctx.request().resume();
        return proxies.manifest(r.repository(), r.reference(), () -> Callers.of(ctx)).invoke(served -> {
            StoredManifest m = served.manifest();
            if (!Accept.allows(ctx.request().headers().getAll("Accept"), m.mediaType())) {
                throw OciError.MANIFEST_UNKNOWN.exception("manifest " + m.digest() + " is " + m.mediaType()
                        + ", which the request's Accept header does not list");
            }
            HttpServerResponse response = ctx.response()
                    .putHeader("Content-Type", m.mediaType())
                    .putHeader("Content-Length", Integer.toString(m.size()))
                    .putHeader(Responses.CONTENT_DIGEST, m.digest())
                    .putHeader("ETag", "\"" + m.digest() + "\"");
            if (served.warning() != null) {
                response.putHeader("Warning", served.warning());
            }
            if (head) {
                response.end();
            } else {
                response.end(Buffer.buffer(m.content()));
                pulls.pulled(r.repository(), m.digest(), m.mediaType(), Names.isDigest(r.reference()) ? null : r.reference(),
                        Callers.of(ctx).actor());
            }
        }).replaceWithVoid();
    }

    /** Validates and stores a manifest; 201 with its digest, and {@code OCI-Subject} when it has one. */
    Uni<Void> put(RoutingContext ctx, RegistryRequest r) {
        String contentType = ctx.request().getHeader("Content-Type");
        return proxies.refusePush(r.repository()).chain(() -> Bodies.read(ctx, config.maxManifestSize()))
                .chain(body -> {
                    byte[] bytes = body.getBytes();
                    Caller caller = Callers.of(ctx);
                    return quotas.manifest(r.repository(), r.reference(), bytes, caller,
                            () -> manifests.put(r.repository(), r.reference(), bytes, contentType, caller));
                })
                .invoke(pushed -> {
                    ManifestEntity m = pushed.manifest();
                    HttpServerResponse response = ctx.response()
                            .putHeader("Location", r.path("/manifests/" + m.digest))
                            .putHeader(Responses.CONTENT_DIGEST, m.digest);
                    if (m.subjectDigest != null) {
                        response.putHeader("OCI-Subject", m.subjectDigest);
                    }
                    Responses.empty(response, 201);
                }).replaceWithVoid();
    }

    /** Deletes a manifest by digest, or only the tag when the reference is a tag. */
    Uni<Void> delete(RoutingContext ctx, RegistryRequest r) {
        ctx.request().resume();
        return manifests.delete(r.repository(), r.reference(), Callers.of(ctx))
                .invoke(() -> Responses.empty(ctx.response(), 202));
    }

    /** Accept-header negotiation for manifests. */
    static final class Accept {
        private Accept() {
        }

        /**
         * True when the client accepts the media type. No Accept header, wildcards and plain JSON
         * accept everything; a list of manifest types that lacks this one does not.
         */
        static boolean allows(java.util.List<String> headers, String mediaType) {
            boolean sawManifestType = false;
            for (String header : headers) {
                for (String part : header.split(",")) {
                    String type = part.split(";", 2)[0].trim();
                    if (type.isEmpty() || type.equals("*/*") || type.equals("application/*")
                            || type.equals("application/json") || type.equals(mediaType)) {
                        return true;
                    }
                    sawManifestType |= MediaTypes.MANIFESTS.contains(type);
                }
            }
            return !sawManifestType;
        }
    }
}
