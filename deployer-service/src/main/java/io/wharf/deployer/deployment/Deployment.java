package io.wharf.deployer.deployment;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One change a rule makes (or would make, or decided not to make) to its target: the history row. */
@Entity
@Table(name = "deployment")
public class Deployment {

    /** Lifecycle; API answers write states in lower case. */
    public enum State {
        /** Due at {@code notBefore} (debounce, minimum interval or deploy window), then applied. */
        WAITING,
        AWAITING_APPROVAL,
        APPLYING,
        SUCCEEDED,
        FAILED,
        ROLLED_BACK,
        /** Dry run: the plan is recorded, the target untouched. */
        PLANNED,
        /** Not applied: rule on hold or disabled, or a downgrade. */
        SKIPPED,
        /** Not applied: a newer push for the same rule came first (latest wins). */
        SUPERSEDED,
        REJECTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean finished() {
            return this != WAITING && this != AWAITING_APPROVAL && this != APPLYING;
        }

        public static State parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw io.wharf.deployer.rule.DeployerException.invalid("unknown deployment state " + text);
            }
        }
    }

    /** What asked for the change. */
    public enum Trigger { EVENT, ROLLBACK }

    @Id
    public UUID id;

    @Column(name = "rule_id")
    public UUID ruleId;

    @Enumerated(EnumType.STRING)
    public Trigger trigger;

    @Column(name = "event_id")
    public String eventId;

    public String project;

    public String repository;

    public String tag;

    public String digest;

    public String image;

    @Column(name = "from_image")
    public String fromImage;

    @Column(name = "from_digest")
    public String fromDigest;

    @Enumerated(EnumType.STRING)
    public State state;

    public String reason;

    @Column(name = "dry_run")
    public boolean dryRun;

    @Column(name = "requested_by")
    public String requestedBy;

    /** Approvals by distinct users it needs before it is applied: its rule's count when it was planned. */
    @Column(name = "approvals_required")
    public int approvalsRequired;

    /** The actor of the push that triggered it (null for rollbacks and anonymous pushes): may not approve it. */
    @Column(name = "pushed_by")
    public String pushedBy;

    @Column(name = "event_time")
    public OffsetDateTime eventTime;

    @Column(name = "not_before")
    public OffsetDateTime notBefore;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    void finish(State outcome, String why) {
        state = outcome;
        reason = why;
        finishedAt = OffsetDateTime.now();
        updatedAt = finishedAt;
    }
}
