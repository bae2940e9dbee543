package io.wharf.registry.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.metadata.ManifestEntity;
import io.wharf.registry.oci.MediaTypes;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.service.ManifestService;
import io.wharf.registry.service.Names;

/** Tags list, catalog (both paginated with {@code n}, {@code last} and {@code Link}) and referrers. */
@ApplicationScoped
public class ListingEndpoints {

    private final ManifestService manifests;
    private final RegistryConfig config;
    private final AccessPolicy policy;

    public ListingEndpoints(ManifestService manifests, RegistryConfig config, AccessPolicy policy) {
        this.policy = policy;
        this.manifests = manifests;
        this.config = config;
    }

    Uni<Void> tags(RoutingContext ctx, RegistryRequest r) {
        ctx.request().resume();
        Page page = page(ctx);
        return manifests.tags(r.repository(), page.last, page.fetch())
                .invoke(tags -> respond(ctx, page, tags, r.path("/tags/list"),
                        items -> new JsonObject().put("name", r.name()).put("tags", items)))
                .replaceWithVoid();
    }

    Uni<Void> catalog(RoutingContext ctx) {
        ctx.request().resume();
        Page page = page(ctx);
        return policy.pullable(RegistryGuard.principal(ctx))
                .chain(visible -> manifests.catalog(page.last, page.fetch(), visible))
                .invoke(names -> respond(ctx, page, names, "/v2/_catalog", items -> new JsonObject().put("repositories", items)))
                .replaceWithVoid();
    }

    /** GET {@code /v2/<name>/referrers/<digest>}: always an OCI index, empty when nothing refers. */
    Uni<Void> referrers(RoutingContext ctx, RegistryRequest r) {
        ctx.request().resume();
        String digest = Names.digest(r.reference());
        String artifactType = ctx.request().getParam("artifactType");
        return manifests.referrers(r.repository(), digest).invoke(found -> {
            JsonArray entries = new JsonArray();
            for (ManifestEntity m : found) {
                if (artifactType != null && !artifactType.equals(m.artifactType)) {
                    continue;
                }
                JsonObject d = new JsonObject().put("mediaType", m.mediaType).put("digest", m.digest).put("size", m.size);
                if (m.artifactType != null) {
                    d.put("artifactType", m.artifactType);
                }
                if (m.annotations != null) {
                    d.put("annotations", new JsonObject(m.annotations));
                }
                entries.add(d);
            }
            if (artifactType != null) {
                ctx.response().putHeader("OCI-Filters-Applied", "artifactType");
            }
            ctx.response().setStatusCode(200).putHeader("Content-Type", MediaTypes.OCI_INDEX)
                    .end(new JsonObject().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX)
                            .put("manifests", entries).encode());
        }).replaceWithVoid();
    }

    /** {@code n} entries after {@code last}; one extra is fetched to learn whether a next page exists. */
    private record Page(int n, String last) {
        int fetch() {
            return n == 0 ? 0 : n + 1;
        }
    }

    private Page page(RoutingContext ctx) {
        String n = ctx.request().getParam("n");
        int size = config.maxPageSize();
        if (n != null) {
            try {
                size = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw OciError.PAGINATION_NUMBER_INVALID.exception("n must be a number");
            }
            if (size < 0) {
                throw OciError.PAGINATION_NUMBER_INVALID.exception("n must not be negative");
            }
            size = Math.min(size, config.maxPageSize());
        }
        return new Page(size, ctx.request().getParam("last"));
    }

    private static void respond(RoutingContext ctx, Page page, List<String> fetched, String path,
                                java.util.function.Function<JsonArray, JsonObject> body) {
        boolean more = fetched.size() > page.n;
        List<String> items = more ? fetched.subList(0, page.n) : fetched;
        if (more) {
            String last = items.get(items.size() - 1);
            ctx.response().putHeader("Link", "<" + path + "?n=" + page.n + "&last="
                    + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                .end(body.apply(new JsonArray(items)).encode());
    }
}
