package io.wharf.deployer.rule;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A deploy rule: pushes to {@link #repository} whose tag {@link #policy} accepts update {@link #workload}
 * on the target {@link #targetId} (a {@link TargetEntity} of kind {@link #targetKind}), which must be
 * granted to the rule's project with bounds that hold the workload. The rule holds no endpoint and no
 * credential.
 */
@Entity
@Table(name = "deploy_rule")
public class DeployRule {
    @Id
    public UUID id;

    public String name;

    public String project;

    public String repository;

    @Enumerated(EnumType.STRING)
    @Column(name = "policy_kind")
    public TagPolicy.Kind policyKind;

    public String policy;

    @Column(name = "target_id")
    public UUID targetId;

    /** The target's kind, as the target has it (a target's kind never changes). */
    @Column(name = "target_kind")
    public String targetKind;

    /** JSON of the workload on the target: Kubernetes workload, namespace, name, container; Docker container; HTTP {}. */
    public String workload;

    public boolean enabled;

    @Column(name = "dry_run")
    public boolean dryRun;

    @Column(name = "approvals_required")
    public int approvalsRequired;

    @Column(name = "debounce_ms")
    public long debounceMs;

    @Column(name = "min_interval_ms")
    public long minIntervalMs;

    @Column(name = "window_days")
    public String windowDays;

    @Column(name = "window_start")
    public String windowStart;

    @Column(name = "window_end")
    public String windowEnd;

    @Column(name = "on_hold")
    public boolean onHold;

    @Column(name = "hold_reason")
    public String holdReason;

    @Column(name = "held_at")
    public OffsetDateTime heldAt;

    /** Semver policies: the highest version the rule deployed (what the downgrade guard compares, live). */
    @Column(name = "last_version")
    public String lastVersion;

    /**
     * Semver policies, while the rule runs dry: the highest version it would have deployed, starting from
     * {@link #lastVersion} when the dry run was switched on (what the downgrade guard compares, dry); null
     * while the rule runs live.
     */
    @Column(name = "planned_version")
    public String plannedVersion;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** The stored tag policy; one that is no longer valid matches no tag ({@link TagPolicy#stored}). */
    public TagPolicy tagPolicy() {
        return TagPolicy.stored(id, policyKind, policy);
    }

    public RepositoryPattern repositoryPattern() {
        return RepositoryPattern.of(repository);
    }

    /** The deploy window, or null when deployments may be applied at any time. */
    public DeployWindow window() {
        return windowDays == null ? null : DeployWindow.of(Arrays.asList(windowDays.split(",")), windowStart, windowEnd);
    }

    /**
     * The version a push is compared with by the downgrade guard: what the rule deployed last or, while it runs
     * dry, what it would have deployed last had it run live. Null when there is none.
     */
    public String guardVersion() {
        return dryRun ? plannedVersion : lastVersion;
    }

    /**
     * Notes that a push of {@code tag} was deployed ({@code dryRun} false) or planned by a dry run: for an
     * ordered (semver) policy, it becomes the version the guard compares later pushes with, unless lower.
     */
    public void deployed(String tag, boolean dryRun) {
        if (tag == null || !tagPolicy().ordered()) {
            return;
        }
        String last = dryRun ? plannedVersion : lastVersion;
        if (last == null || !TagPolicy.isDowngrade(tag, last)) {
            if (dryRun) {
                plannedVersion = tag;
            } else {
                lastVersion = tag;
            }
        }
    }

    public void hold(String reason) {
        onHold = true;
        holdReason = reason;
        heldAt = OffsetDateTime.now();
    }
}
