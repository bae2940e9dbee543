package io.wharf.registry.search;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.oci.MediaTypes;
import io.wharf.registry.storage.BlobStore;

/**
 * A repository as its page shows it: description, README, pulls and its tags with what each points
 * at. Sizes: an image's is its manifest plus every blob it references (config and layers); an
 * index's is its own bytes plus the size of each child image it lists that this repository holds
 * (so a multi-arch tag's size is what pulling every platform would fetch, shared layers counted
 * once per platform). Platforms: an index's come from its entries; an image's from the entry of an
 * index in this repository that lists it, else from its config blob (os, architecture, variant).
 */
@ApplicationScoped
public class RepositoryDetails {

    /** Config blobs larger than this are not read for their platform. */
    static final int MAX_CONFIG_BYTES = 256 * 1024;

    public record Platform(String os, String architecture, String variant) {
    }

    public record TagDetail(String name, String digest, String mediaType, long size, List<Platform> platforms, Instant pushedAt,
            long pullCount) {
    }

    public record Detail(String name, String project, String description, String readme, boolean official, boolean verifiedPublisher,
            boolean isPublic, long pullCount, Instant pushedAt, long tagCount, List<TagDetail> tags) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pool pool;
    private final BlobStore blobs;
    /** Platform of a config blob, by digest: blobs never change, so entries never go stale. */
    private final Cache<String, Optional<Platform>> configPlatforms = Caffeine.newBuilder().maximumSize(50_000).build();

    public RepositoryDetails(Pool pool, BlobStore blobs) {
        this.pool = pool;
        this.blobs = blobs;
    }

    /** The repository with up to {@code tagLimit} tags, most recently pushed first; null when it has no content. */
    public Uni<Detail> find(String name, int tagLimit) {
        return pool.preparedQuery("""
                SELECT r.id, r.name, r.project, r.description, r.readme, r.pull_count, p.verified_publisher, p.public,
                       (SELECT count(*) FROM tag t WHERE t.repository_id = r.id) AS tag_count, %s AS pushed_at
                FROM repository r JOIN project p ON p.name = r.project WHERE r.name = $1 AND r.populated"""
                .formatted(SearchService.PUSHED_AT.replace("{id}", "r.id")))
                .execute(Tuple.of(name)).chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().nullItem();
                    }
                    Row r = rows.iterator().next();
                    return tags(r.getLong("id"), tagLimit).map(tags -> new Detail(r.getString("name"), r.getString("project"),
                            r.getString("description"), r.getString("readme"), "library".equals(r.getString("project")),
                            r.getBoolean("verified_publisher"), r.getBoolean("public"), r.getLong("pull_count"),
                            instant(r.getOffsetDateTime("pushed_at")), r.getLong("tag_count"), tags));
                });
    }

    private Uni<List<TagDetail>> tags(long repositoryId, int limit) {
        return pool.preparedQuery("""
                WITH image_size AS (
                    SELECT m.id, m.size + coalesce((SELECT sum(b.size) FROM manifest_reference mr JOIN blob b ON b.digest = mr.digest
                                                   WHERE mr.manifest_id = m.id AND mr.kind = 'blob'), 0) AS total
                    FROM manifest m WHERE m.repository_id = $1)
                SELECT t.name, t.updated_at, m.digest, m.media_type, m.pull_count, m.content,
                       s.total + coalesce((SELECT sum(cs.total) FROM manifest_reference mr
                                           JOIN manifest c ON c.repository_id = $1 AND c.digest = mr.digest
                                           JOIN image_size cs ON cs.id = c.id
                                           WHERE mr.manifest_id = m.id AND mr.kind = 'manifest'), 0) AS size,
                       (SELECT p.content FROM manifest_reference mr JOIN manifest p ON p.id = mr.manifest_id
                        WHERE mr.digest = m.digest AND mr.kind = 'manifest' AND p.repository_id = $1 LIMIT 1) AS parent
                FROM tag t JOIN manifest m ON m.id = t.manifest_id JOIN image_size s ON s.id = m.id
                WHERE t.repository_id = $1 ORDER BY t.updated_at DESC, t.name LIMIT $2""")
                .execute(Tuple.of(repositoryId, limit)).chain(rows -> {
                    List<Uni<TagDetail>> tags = new ArrayList<>();
                    for (Row r : rows) {
                        String digest = r.getString("digest");
                        String mediaType = r.getString("media_type");
                        Uni<List<Platform>> platforms = platforms(digest, mediaType, bytes(r, "content"), bytes(r, "parent"));
                        tags.add(platforms.map(p -> new TagDetail(r.getString("name"), digest, mediaType, r.getLong("size"), p,
                                instant(r.getOffsetDateTime("updated_at")), r.getLong("pull_count"))));
                    }
                    return tags.isEmpty() ? Uni.createFrom().item(List.<TagDetail>of())
                            : Uni.join().all(tags).andFailFast().map(List::copyOf);
                });
    }

    private Uni<List<Platform>> platforms(String digest, String mediaType, byte[] content, byte[] parent) {
        JsonNode manifest = parse(content);
        if (MediaTypes.isIndex(mediaType)) {
            Map<String, Platform> seen = new LinkedHashMap<>();
            for (JsonNode entry : manifest.path("manifests")) {
                Platform p = platform(entry.path("platform"));
                if (p != null && !"unknown".equals(p.os())) {
                    seen.putIfAbsent(p.os() + "/" + p.architecture() + "/" + p.variant(), p);
                }
            }
            return Uni.createFrom().item(List.copyOf(seen.values()));
        }
        if (parent != null) {
            for (JsonNode entry : parse(parent).path("manifests")) {
                Platform p = platform(entry.path("platform"));
                if (digest.equals(entry.path("digest").asText()) && p != null) {
                    return Uni.createFrom().item(List.of(p));
                }
            }
        }
        String config = manifest.path("config").path("digest").asText(null);
        if (config == null) {
            return Uni.createFrom().item(List.of());
        }
        Optional<Platform> known = configPlatforms.getIfPresent(config);
        if (known != null) {
            return Uni.createFrom().item(known.map(List::of).orElse(List.of()));
        }
        return blobs.readSmall(config, MAX_CONFIG_BYTES).map(bytes -> {
            Optional<Platform> p = Optional.ofNullable(bytes == null ? null : platform(parse(bytes)));
            configPlatforms.put(config, p);
            return p.map(List::of).orElse(List.<Platform>of());
        });
    }

    /** os/architecture/variant of an index entry's platform or an image config; null when absent. */
    private static Platform platform(JsonNode node) {
        if (node == null || !node.path("os").isTextual() || !node.path("architecture").isTextual()) {
            return null;
        }
        return new Platform(node.get("os").asText(), node.get("architecture").asText(),
                node.path("variant").isTextual() ? node.get("variant").asText() : null);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = bytes == null ? null : JSON.readTree(bytes);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] bytes(Row r, String column) {
        io.vertx.mutiny.core.buffer.Buffer b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /** Sets the description; false when there is no such repository. */
    public Uni<Boolean> describe(String name, String description) {
        return pool.preparedQuery("UPDATE repository SET description = $2 WHERE name = $1 AND populated")
                .execute(Tuple.of(name, description)).map(rows -> rows.rowCount() == 1);
    }

    /** Sets the README (markdown); false when there is no such repository. */
    public Uni<Boolean> setReadme(String name, String readme) {
        return pool.preparedQuery("UPDATE repository SET readme = $2 WHERE name = $1 AND populated")
                .execute(Tuple.of(name, readme)).map(rows -> rows.rowCount() == 1);
    }
}
