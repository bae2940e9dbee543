package io.wharf.registry.metadata;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Tags: movable names for manifests. */
@ApplicationScoped
public class Tags implements PanacheRepositoryBase<TagEntity, TagEntity.Key> {

    /**
     * Points {@code tag} at the manifest and returns the digest it pointed at before, or null when
     * the tag is new. Concurrent pushes of the same tag serialize on the row lock; the last wins.
     */
    public Uni<String> point(long repositoryId, String tag, long manifestId) {
        return getSession().chain(session -> session
                .createNativeQuery("""
                        SELECT m.digest FROM tag t JOIN manifest m ON m.id = t.manifest_id
                        WHERE t.repository_id = :repo AND t.name = :tag FOR UPDATE OF t""", String.class)
                .setParameter("repo", repositoryId)
                .setParameter("tag", tag)
                .getSingleResultOrNull()
                .call(() -> session.createNativeQuery("""
                                INSERT INTO tag (repository_id, name, manifest_id, updated_at) VALUES (:repo, :tag, :m, now())
                                ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = now()""")
                        .setParameter("repo", repositoryId)
                        .setParameter("tag", tag)
                        .setParameter("m", manifestId)
                        .executeUpdate()));
    }

    /** Tag names of the repository after {@code last} (exclusive; null for the start), in order. */
    public Uni<List<String>> namesAfter(long repositoryId, String last, int limit) {
        return getSession().chain(session -> session
                .createSelectionQuery("select t.name from TagEntity t where t.repositoryId = :repo and t.name > :last order by t.name",
                        String.class)
                .setParameter("repo", repositoryId)
                .setParameter("last", last == null ? "" : last)
                .setMaxResults(limit)
                .getResultList());
    }

    /** Names of the tags that point at the manifest. */
    public Uni<List<String>> namesOf(long manifestId) {
        return getSession().chain(session -> session
                .createSelectionQuery("select t.name from TagEntity t where t.manifestId = :m order by t.name", String.class)
                .setParameter("m", manifestId)
                .getResultList());
    }

    /**
     * Locks the tag's row in the current transaction and returns the id of the manifest it points at;
     * null when there is no such tag (also when a concurrent delete of it committed while this one waited).
     */
    public Uni<Long> lockForDelete(long repositoryId, String tag) {
        return getSession().chain(session -> session
                .createNativeQuery("SELECT manifest_id FROM tag WHERE repository_id = :repo AND name = :tag FOR UPDATE", Long.class)
                .setParameter("repo", repositoryId)
                .setParameter("tag", tag)
                .getSingleResultOrNull());
    }

    /** Removes a tag; true when it existed. */
    public Uni<Boolean> remove(long repositoryId, String tag) {
        return delete("repositoryId = ?1 and name = ?2", repositoryId, tag).map(n -> n > 0);
    }
}
