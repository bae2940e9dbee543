package io.wharf.registry.metadata;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Manifests, what they reference, and who refers to them. */
@ApplicationScoped
public class Manifests implements PanacheRepositoryBase<ManifestEntity, Long> {

    public Uni<ManifestEntity> findByDigest(String repositoryName, String digest) {
        return getSession().chain(session -> session
                .createSelectionQuery("""
                        select m from ManifestEntity m, RepositoryEntity r
                        where r.name = :name and m.repositoryId = r.id and m.digest = :digest""", ManifestEntity.class)
                .setParameter("name", repositoryName)
                .setParameter("digest", digest)
                .getSingleResultOrNull());
    }

    public Uni<ManifestEntity> findByTag(String repositoryName, String tag) {
        return getSession().chain(session -> session
                .createSelectionQuery("""
                        select m from ManifestEntity m, TagEntity t, RepositoryEntity r
                        where r.name = :name and t.repositoryId = r.id and t.name = :tag and m.id = t.manifestId""",
                        ManifestEntity.class)
                .setParameter("name", repositoryName)
                .setParameter("tag", tag)
                .getSingleResultOrNull());
    }

    public Uni<ManifestEntity> findByDigest(long repositoryId, String digest) {
        return find("repositoryId = ?1 and digest = ?2", repositoryId, digest).firstResult();
    }

    /**
     * Inserts the manifest unless the repository already holds one with its digest; true when
     * this call inserted it. Safe when the same manifest is pushed by several requests at once: a
     * second insert waits for the first transaction and then does nothing (the caller then reads
     * the row the first one wrote) instead of failing on the unique key.
     */
    public Uni<Boolean> insertIfMissing(ManifestEntity m) {
        return getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO manifest (repository_id, digest, media_type, artifact_type, size, content, subject_digest, annotations)
                        VALUES (:repo, :digest, :mediaType, :artifactType, :size, :content, :subject, :annotations)
                        ON CONFLICT (repository_id, digest) DO NOTHING""")
                .setParameter("repo", m.repositoryId)
                .setParameter("digest", m.digest)
                .setParameter("mediaType", m.mediaType)
                .setParameter("artifactType", m.artifactType)
                .setParameter("size", m.size)
                .setParameter("content", m.content)
                .setParameter("subject", m.subjectDigest)
                .setParameter("annotations", m.annotations)
                .executeUpdate()
                .map(n -> n > 0));
    }

    /**
     * The manifest, locked for a deletion in the current transaction; null when there is none (also when
     * a concurrent deletion of it committed while this one waited for its lock).
     */
    public Uni<ManifestEntity> lockForDelete(long repositoryId, String digest) {
        return find("repositoryId = ?1 and digest = ?2", repositoryId, digest).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /**
     * Deletes the manifest's row with one statement; its tags and references go by ON DELETE CASCADE,
     * the project's usage by trigger. Deliberately no entity delete ({@code session.remove} and its flush):
     * a row another transaction deleted meanwhile then fails as a stale entity instead of counting 0.
     * Callers hold the row ({@link #lockForDelete}) and the project's usage ({@link #lockUsage}) first.
     */
    public Uni<Boolean> deleteRow(long manifestId) {
        return getSession().chain(session -> session.createNativeQuery("DELETE FROM manifest WHERE id = :id")
                .setParameter("id", manifestId)
                .executeUpdate()
                .map(n -> n > 0));
    }

    /**
     * Locks the project's usage row (as the quota triggers do) before a manifest is deleted. The delete's
     * cascade locks the manifest's tag rows and only then does its trigger lock the usage, while a push
     * inserting a manifest locks the usage first and then the tag it moves: a push moving a tag off a
     * manifest being deleted deadlocked with the delete. Taking the usage first gives both the same order.
     */
    public Uni<Void> lockUsage(String project) {
        return getSession().chain(session -> session
                .createNativeQuery("select 1 from (select quota_lock_usage(:p)) l", Integer.class)
                .setParameter("p", project)
                .getSingleResult())
                .replaceWithVoid();
    }

    /** Which of {@code digests} are NOT manifests of the repository. */
    public Uni<List<String>> missing(long repositoryId, Collection<String> digests) {
        if (digests.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session
                .createSelectionQuery("select m.digest from ManifestEntity m where m.repositoryId = :repo and m.digest in :digests",
                        String.class)
                .setParameter("repo", repositoryId)
                .setParameter("digests", digests)
                .getResultList()
                .map(found -> digests.stream().filter(d -> !found.contains(d)).toList()));
    }

    /** Records what a manifest references (ignored when already recorded). */
    public Uni<Void> addReferences(long manifestId, Collection<String> digests, String kind) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String digest : digests) {
            chain = chain.chain(() -> getSession().chain(session -> session
                    .createNativeQuery("""
                            INSERT INTO manifest_reference (manifest_id, digest, kind) VALUES (:m, :d, :k)
                            ON CONFLICT DO NOTHING""")
                    .setParameter("m", manifestId)
                    .setParameter("d", digest)
                    .setParameter("k", kind)
                    .executeUpdate())).replaceWithVoid();
        }
        return chain;
    }

    /** Manifests of the repository whose {@code subject} is {@code digest}, oldest first. */
    public Uni<List<ManifestEntity>> referrers(String repositoryName, String subjectDigest) {
        return getSession().chain(session -> session
                .createSelectionQuery("""
                        select m from ManifestEntity m, RepositoryEntity r
                        where r.name = :name and m.repositoryId = r.id and m.subjectDigest = :subject
                        order by m.id""", ManifestEntity.class)
                .setParameter("name", repositoryName)
                .setParameter("subject", subjectDigest)
                .getResultList());
    }
}
