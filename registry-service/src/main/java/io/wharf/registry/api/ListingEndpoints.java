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
import io.wharf.registry.oci.Names;

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
        List<String> cached = manifests.cachedTags(r.repository(), page.last, page.fetch());
        if (cached != null) {
            // Answered at once, without the operators (and their context captures) of a pipeline.
            respond(ctx, page, cached, r.path("/tags/list"), r.name(), "tags");
            return Uni.createFrom().voidItem();
        }
        return manifests.loadTags(r.repository(), page.last, page.fetch())
                .invoke(tags -> respond(ctx, page, tags, r.path("/tags/list"), r.name(), "tags"))
                .replaceWithVoid();
    }

    Uni<Void> catalog(RoutingContext ctx) {
        ctx.request().resume();
        Page page = page(ctx);
        return policy.pullable(RegistryGuard.principal(ctx))
                .chain(visible -> manifests.catalog(page.last, page.fetch(), visible))
                .invoke(names -> respond(ctx, page, names, "/v2/_catalog", null, "repositories"))
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

    /**
     * Answers with one page: {@code {"name": name, field: [items]}} ({@code name} left out when
     * null), and a {@code Link} to the next page when there is one.
     */
    private static void respond(RoutingContext ctx, Page page, List<String> fetched, String path, String name, String field) {
        boolean more = fetched.size() > page.n;
        List<String> items = more ? fetched.subList(0, page.n) : fetched;
        if (more) {
            String last = items.get(items.size() - 1);
            ctx.response().putHeader("Link", "<" + path + "?n=" + page.n + "&last="
                    + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(json(name, field, items));
    }

    /**
     * The page's JSON. Names and tags follow grammars that need no escaping; anything else is escaped all the same.
     *
     * <p>Written by hand on purpose: under the tags-list benchmark, building the page as a
     * {@code JsonObject} and encoding it through Jackson databind took about 7 % of the registry's
     * CPU samples, and Jackson's streaming generator still 5.6 % (BENCHMARKS.md, commit 4d545bf).
     * A page is one object holding an optional name and an array of strings, so a
     * {@link StringBuilder} sized up front does the same work. Anything more structured
     * (referrers, errors) goes through {@code JsonObject}.
     */
    static String json(String name, String field, List<String> items) {
        StringBuilder json = new StringBuilder(32 + (name == null ? 0 : name.length()) + items.size() * 24).append('{');
        if (name != null) {
            string(json.append("\"name\":"), name).append(',');
        }
        json.append('"').append(field).append("\":[");
        for (int i = 0; i < items.size(); i++) {
            string(i == 0 ? json : json.append(','), items.get(i));
        }
        return json.append("]}").toString();
    }

    /** Appends {@code s} as a JSON string. */
    private static StringBuilder string(StringBuilder json, String s) {
        json.append('"');
        int plain = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                json.append(s, plain, i).append(c < 0x20 ? String.format("\\u%04x", (int) c) : "\\" + c);
                plain = i + 1;
            }
        }
        // append(String) copies the array at once; append(s, from, to) copies char by char on Java 17.
        return (plain == 0 ? json.append(s) : json.append(s, plain, s.length())).append('"');
    }
}
