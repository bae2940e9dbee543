package io.wharf.registry.metadata;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Which repository may serve which blob, and the blobs themselves. */
@ApplicationScoped
public class BlobLinks implements PanacheRepositoryBase<RepositoryBlobEntity, RepositoryBlobEntity.Key> {

    /** Size of {@code digest} if repository {@code repositoryName} links it, else null. */
    public Uni<Long> linkedSize(String repositoryName, String digest) {
        return getSession().chain(session -> session
                .createSelectionQuery("""
                        select b.size from BlobEntity b, RepositoryBlobEntity l, RepositoryEntity r
                        where r.name = :name and l.repositoryId = r.id and l.digest = :digest and b.digest = l.digest
                        """, Long.class)
                .setParameter("name", repositoryName)
                .setParameter("digest", digest)
                .getSingleResultOrNull());
    }

    /** Removes the link; true when there was one. The blob's bytes stay until garbage collection. */
    public Uni<Boolean> unlink(String repositoryName, String digest) {
        return getSession().chain(session -> session
                .createNativeQuery("""
                        DELETE FROM repository_blob l USING repository r
                        WHERE r.name = :name AND l.repository_id = r.id AND l.digest = :digest""")
                .setParameter("name", repositoryName)
                .setParameter("digest", digest)
                .executeUpdate()
                .map(n -> n > 0));
    }

    /** Which of {@code digests} the repository does NOT link. */
    public Uni<List<String>> missing(long repositoryId, Collection<String> digests) {
        if (digests.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session
                .createSelectionQuery("select l.digest from RepositoryBlobEntity l where l.repositoryId = :repo and l.digest in :digests",
                        String.class)
                .setParameter("repo", repositoryId)
                .setParameter("digests", digests)
                .getResultList()
                .map(found -> digests.stream().filter(d -> !found.contains(d)).toList()));
    }
}
