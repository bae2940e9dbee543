package io.wharf.registry.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.wharf.registry.config.CacheNotices;
import io.wharf.registry.config.CachedStateChanged;
import io.wharf.registry.config.RegistryConfig;

/**
 * In-memory caches in front of the metadata tables, for the read paths that every pull takes.
 *
 * <p>Consistency: this instance invalidates an entry as soon as it changes what the entry says, so
 * a client that writes and then reads through the same instance never sees the old value. Changes
 * made through another instance become visible here within the entry's time to live
 * ({@code wharf.registry.cache.*}): manifests by digest never change, and their deletion is announced
 * to every instance ({@link CacheNotices}: gone here within a second, {@code content-ttl} at the
 * latest); tags and tag lists move, and live for {@code tag-ttl} (a second or two).
 */
@ApplicationScoped
public class MetadataCache {

    private final Cache<String, Long> repositoryIds;
    private final Cache<String, Long> blobSizes;
    private final Cache<String, StoredManifest> manifests;
    private final Cache<String, String> tags;
    private final Cache<String, List<String>> tagLists;
    private final CacheNotices notices;

    public MetadataCache(RegistryConfig config, CacheNotices notices) {
        this.notices = notices;
        RegistryConfig.Cache c = config.cache();
        repositoryIds = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(c.contentTtl()).build();
        blobSizes = Caffeine.newBuilder().maximumSize(c.maxEntries()).expireAfterWrite(c.contentTtl()).build();
        manifests = Caffeine.newBuilder().maximumWeight(c.maxManifestBytes())
                .weigher((String k, StoredManifest m) -> m.size() + 128)
                .expireAfterWrite(c.contentTtl()).build();
        tags = Caffeine.newBuilder().maximumSize(c.maxEntries()).expireAfterWrite(c.tagTtl()).build();
        tagLists = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(c.tagTtl()).build();
    }

    static String key(String repository, String item) {
        return repository + '\n' + item;
    }

    Cache<String, Long> repositoryIds() {
        return repositoryIds;
    }

    /** (repository, digest) → size of a blob the repository links. Only links that exist are cached. */
    Cache<String, Long> blobSizes() {
        return blobSizes;
    }

    /** (repository, digest) → manifest. */
    Cache<String, StoredManifest> manifests() {
        return manifests;
    }

    /** (repository, tag) → digest. */
    Cache<String, String> tags() {
        return tags;
    }

    /** repository → all its tags, sorted. */
    Cache<String, List<String>> tagLists() {
        return tagLists;
    }

    /** Forgets every repository's cached link to blobs garbage collection is deleting. */
    void forgetBlobs(@jakarta.enterprise.event.Observes io.wharf.registry.gc.BlobsGoing going) {
        if (!going.digests().isEmpty()) {
            blobSizes.asMap().keySet().removeIf(k -> going.digests().contains(k.substring(k.lastIndexOf('\n') + 1)));
        }
    }

    /**
     * Forgets a deleted manifest and the repository's tag list, here and on every other instance:
     * call it once the deletion has committed.
     */
    void manifestDeleted(String repository, String digest) {
        manifests.invalidate(key(repository, digest));
        tagLists.invalidate(repository);
        notices.announce(CachedStateChanged.State.MANIFEST, repository + "@" + digest);
    }

    /** Another instance deleted a manifest, or may have. */
    void changedElsewhere(@Observes CachedStateChanged change) {
        if (change.state() != CachedStateChanged.State.MANIFEST) {
            return;
        }
        int at = change.key() == null ? -1 : change.key().lastIndexOf('@');
        if (at < 0) {
            manifests.invalidateAll();
            tags.invalidateAll();
            tagLists.invalidateAll();
        } else {
            String repository = change.key().substring(0, at);
            manifests.invalidate(key(repository, change.key().substring(at + 1)));
            tagLists.invalidate(repository);
        }
    }

    /** Forgets what this instance knows of the repository's tags (after a tag moved or went). */
    void tagsChanged(String repository, String tag) {
        tags.invalidate(key(repository, tag));
        tagLists.invalidate(repository);
    }

}
