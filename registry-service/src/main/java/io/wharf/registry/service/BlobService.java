package io.wharf.registry.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.metadata.BlobLinks;
import io.wharf.registry.metadata.Repositories;

/** Which blobs a repository may serve. The bytes are the {@code BlobStore}'s. */
@ApplicationScoped
public class BlobService {

    private final BlobLinks links;
    private final Repositories repositories;

    public BlobService(BlobLinks links, Repositories repositories) {
        this.links = links;
        this.repositories = repositories;
    }

    /** Size of the blob if the repository links it, else null. */
    @WithSession
    public Uni<Long> linkedSize(String repository, String digest) {
        return links.linkedSize(repository, digest);
    }

    /** Links a committed blob to the repository, creating the repository on its first blob. */
    @WithTransaction
    public Uni<Void> link(String repository, String digest, long size) {
        return repositories.idCreatingIfMissing(repository, Names.project(repository))
                .chain(id -> links.link(id, digest, size));
    }

    /** Unlinks the blob from the repository; false when it was not linked. */
    @WithTransaction
    public Uni<Boolean> unlink(String repository, String digest) {
        return links.unlink(repository, digest);
    }
}
