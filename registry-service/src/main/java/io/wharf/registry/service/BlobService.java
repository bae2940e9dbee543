package io.wharf.registry.service;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.gc.BlobLiveness;
import io.wharf.registry.metadata.BlobLinks;
import io.wharf.registry.metadata.Repositories;
import io.wharf.registry.oci.Names;

/**
 * Which blobs a repository may serve. The bytes are the {@code BlobStore}'s. Each write here is
 * one idempotent statement, so no transaction is needed and a retry is harmless.
 */
@ApplicationScoped
public class BlobService {

    private final BlobLinks links;
    private final Repositories repositories;
    private final MetadataCache cache;
    private final BlobLiveness liveness;

    public BlobService(BlobLinks links, Repositories repositories, MetadataCache cache, BlobLiveness liveness) {
        this.links = links;
        this.repositories = repositories;
        this.cache = cache;
        this.liveness = liveness;
    }

    /** Size of the blob if the repository links it, else null. */
    public Uni<Long> linkedSize(String repository, String digest) {
        String key = MetadataCache.key(repository, digest);
        Long cached = cache.blobSizes().getIfPresent(key);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return Panache.withSession(() -> links.linkedSize(repository, digest)
                        .call(size -> size == null ? Uni.createFrom().voidItem() : liveness.revive(repository, digest)))
                .invoke(size -> {
                    if (size != null) {
                        cache.blobSizes().put(key, size);
                    }
                });
    }

    /**
     * Links a committed blob to the repository (a mount), creating the repository on its first blob;
     * false when garbage collection is deleting the blob (the client uploads it again).
     */
    public Uni<Boolean> link(String repository, String digest, long size) {
        return Panache.withSession(() -> repositoryId(repository))
                .chain(id -> Panache.withTransaction(() -> liveness.link(id, digest, size)))
                .invoke(linked -> {
                    if (linked) {
                        cache.blobSizes().put(MetadataCache.key(repository, digest), size);
                    }
                });
    }

    /**
     * Commits an upload with {@code storeCommit} and links the blob to the repository, safe against a
     * garbage collection deleting the same digest (see {@link BlobLiveness}); returns the blob's size.
     */
    public Uni<Long> commit(String repository, String digest, Supplier<Uni<Long>> storeCommit) {
        return Panache.withSession(() -> repositoryId(repository))
                .chain(id -> Panache.withTransaction(() -> liveness.commitAndLink(id, digest, storeCommit)))
                .invoke(size -> cache.blobSizes().put(MetadataCache.key(repository, digest), size));
    }

    /** Unlinks the blob from the repository; false when it was not linked. */
    public Uni<Boolean> unlink(String repository, String digest) {
        cache.blobSizes().invalidate(MetadataCache.key(repository, digest));
        return Panache.withSession(() -> links.unlink(repository, digest))
                .invoke(() -> cache.blobSizes().invalidate(MetadataCache.key(repository, digest)));
    }

    /** The repository's id, creating the repository when it does not exist. Needs a session. */
    Uni<Long> repositoryId(String repository) {
        Long cached = cache.repositoryIds().getIfPresent(repository);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return repositories.idCreatingIfMissing(repository, Names.project(repository))
                .invoke(id -> cache.repositoryIds().put(repository, id));
    }
}
