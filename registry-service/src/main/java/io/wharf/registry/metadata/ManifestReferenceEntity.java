package io.wharf.registry.metadata;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** Something a manifest references: a blob (config, layer) or a child manifest (index entry). */
@Entity
@Table(name = "manifest_reference")
@IdClass(ManifestReferenceEntity.Key.class)
public class ManifestReferenceEntity {
    public static final String BLOB = "blob";
    public static final String MANIFEST = "manifest";

    @Id
    @Column(name = "manifest_id")
    public Long manifestId;

    @Id
    public String digest;

    @Id
    public String kind;

    public static class Key implements Serializable {
        public Long manifestId;
        public String digest;
        public String kind;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(manifestId, k.manifestId)
                    && Objects.equals(digest, k.digest) && Objects.equals(kind, k.kind);
        }

        @Override
        public int hashCode() {
            return Objects.hash(manifestId, digest, kind);
        }
    }
}
