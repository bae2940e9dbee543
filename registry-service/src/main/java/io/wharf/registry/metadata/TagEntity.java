package io.wharf.registry.metadata;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A tag: a movable name for one manifest of a repository. */
@Entity
@Table(name = "tag")
@IdClass(TagEntity.Key.class)
public class TagEntity {
    @Id
    @Column(name = "repository_id")
    public Long repositoryId;

    @Id
    public String name;

    @Column(name = "manifest_id", nullable = false)
    public Long manifestId;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public static class Key implements Serializable {
        public Long repositoryId;
        public String name;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(repositoryId, k.repositoryId) && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(repositoryId, name);
        }
    }
}
