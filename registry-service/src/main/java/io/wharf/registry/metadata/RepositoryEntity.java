package io.wharf.registry.metadata;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A repository: {@code project/name[/more]}; created when its first blob or manifest arrives. */
@Entity
@Table(name = "repository")
public class RepositoryEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true)
    public String name;

    @Column(nullable = false)
    public String project;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** True once the repository has held a manifest. */
    @Column(nullable = false)
    public boolean populated;
}
