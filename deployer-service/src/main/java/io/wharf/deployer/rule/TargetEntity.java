package io.wharf.deployer.rule;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A deploy target a system administrator defined: an endpoint of one kind, its settings (as shown:
 * secrets masked), its credentials sealed as one value ({@link io.wharf.outbound.SecretBox}), and the
 * projects it is granted to ({@link TargetGrant}, JSON). Rules name a target; they never hold an endpoint
 * or a credential themselves.
 */
@Entity
@Table(name = "deploy_target")
public class TargetEntity {
    @Id
    public UUID id;

    public String name;

    public String kind;

    public String endpoint;

    /** JSON of the kind's settings, every secret masked. */
    public String settings;

    /** The sealed JSON of the credentials, or null when there are none. */
    public String credentials;

    /** JSON array of {@link TargetGrant}s. */
    public String grants;

    @Column(name = "allow_wharf")
    public boolean allowWharf;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
