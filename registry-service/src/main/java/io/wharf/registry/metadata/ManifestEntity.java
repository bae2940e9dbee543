package io.wharf.registry.metadata;

import java.time.OffsetDateTime;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A manifest of a repository, with the exact bytes that were pushed. */
@Entity
@Table(name = "manifest")
public class ManifestEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "repository_id", nullable = false)
    public Long repositoryId;

    @Column(nullable = false)
    public String digest;

    @Column(name = "media_type", nullable = false)
    public String mediaType;

    @Column(name = "artifact_type")
    public String artifactType;

    @Column(nullable = false)
    public int size;

    @Basic(fetch = FetchType.EAGER)
    @Column(nullable = false, columnDefinition = "bytea")
    public byte[] content;

    @Column(name = "subject_digest")
    public String subjectDigest;

    /** The manifest's annotations as a JSON object, or null. */
    @Column
    public String annotations;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
