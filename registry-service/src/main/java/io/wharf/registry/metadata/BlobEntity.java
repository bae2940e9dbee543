package io.wharf.registry.metadata;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A blob the store holds, committed after its digest was verified. */
@Entity
@Table(name = "blob")
public class BlobEntity {
    @Id
    public String digest;

    @Column(nullable = false)
    public long size;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
