package io.wharf.registry.metadata;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** Links a blob to a repository: only linked blobs are served through that repository. */
@Entity
@Table(name = "repository_blob")
@IdClass(RepositoryBlobEntity.Key.class)
public class RepositoryBlobEntity {
    @Id
    @Column(name = "repository_id")
    public Long repositoryId;

    @Id
    public String digest;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static class Key implements Serializable {
        public Long repositoryId;
        public String digest;

        public Key() {
        }

        public Key(Long repositoryId, String digest) {
            this.repositoryId = repositoryId;
            this.digest = digest;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(repositoryId, k.repositoryId) && Objects.equals(digest, k.digest);
        }

        @Override
        public int hashCode() {
            return Objects.hash(repositoryId, digest);
        }
    }
}
