package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Data of {@code audit.recorded}: one entry of the audit log, who did what to what, from where,
 * through which request, and how it ended. Every Wharf service publishes its own entries to
 * {@link Topics#AUDIT}; the registry keeps all of them, whoever wrote them.
 *
 * <p>Guarantees of this shape: it never carries a secret (a password, a token, a robot secret or
 * a header value): {@link #summary} keeps only keys that do not name one ({@link #isSecretKey}) and
 * bounds each value to {@value #MAX_SUMMARY_VALUE} characters, at most {@value #MAX_SUMMARY_ENTRIES}
 * entries. An audit entry concerns no repository: {@link #repository()}, {@link #tag()} and
 * {@link #digest()} are always null.
 *
 * @param service   who recorded it: {@code registry}, {@code notifier} or {@code deployer}; never null
 * @param action    what was done, dotted and past tense (e.g. {@code sign-in.failed}, {@code member.added},
 *                  {@code robot.secret-rotated}, {@code deployment.approved}); see {@link Actions}; never null
 * @param outcome   how it ended; writers always set it (the builder defaults to success), and an
 *                  outcome this version does not know reads as null
 * @param actor     the account or robot that acted ({@code robot$<project>+<name>}); null when anonymous
 *                  or for the system itself
 * @param actorKind what kind of actor; when absent, user if {@code actor} is set, else anonymous
 * @param role      the actor's role for this action: {@code system-admin}, its project role's wire name
 *                  (e.g. {@code projectAdmin}), or null when it had none
 * @param address   the caller's IP address as the connection gave it, or null (system actions)
 * @param requestId the HTTP request's id ({@code X-Request-Id} when the client sent one), or null
 * @param project   the project acted in, or null for actions outside any project (sign-ins, accounts)
 * @param subject   what was acted on: a user, robot, token, subscription or rule name or id; may be null
 * @param summary   redacted details (e.g. {@code role → developer}, {@code isPublic → true}); never null
 * @param time      when it happened (the change's commit); never null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditEventData(
        String service,
        String action,
        Outcome outcome,
        String actor,
        ActorKind actorKind,
        String role,
        String address,
        String requestId,
        String project,
        String subject,
        Map<String, String> summary,
        OffsetDateTime time) implements EventData {

    /** Most entries a summary keeps. */
    public static final int MAX_SUMMARY_ENTRIES = 16;
    /** Most characters a summary value keeps; longer ones end in {@code …}. */
    public static final int MAX_SUMMARY_VALUE = 256;
    /** The Kafka record key of entries that concern no project. */
    public static final String NO_PROJECT_KEY = "-";

    /** Summary keys that name a secret (matched case-insensitively anywhere in the key). */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|token|credential|authorization|cookie|api[-_]?key|private[-_]?key|header).*");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");

    public AuditEventData {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(time, "time");
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("an audit action is dotted lower-case words, e.g. member.added: '" + action + "'");
        }
        if (actorKind == null) {
            actorKind = actor == null ? ActorKind.ANONYMOUS : ActorKind.USER;
        }
        summary = redacted(summary);
    }

    /** The summary as it may be kept: secret-naming keys dropped, values bounded, at most {@value #MAX_SUMMARY_ENTRIES} entries. */
    public static Map<String, String> redacted(Map<String, String> summary) {
        if (summary == null || summary.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : summary.entrySet()) {
            if (kept.size() == MAX_SUMMARY_ENTRIES) {
                break;
            }
            if (e.getKey() == null || e.getValue() == null || isSecretKey(e.getKey())) {
                continue;
            }
            String value = e.getValue();
            kept.put(bounded(e.getKey()), bounded(value));
        }
        return Collections.unmodifiableMap(kept);
    }

    /** True for summary keys that name a secret, which no entry keeps. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    private static String bounded(String value) {
        return value.length() <= MAX_SUMMARY_VALUE ? value : value.substring(0, MAX_SUMMARY_VALUE - 1) + "…";
    }

    /** The Kafka record key: the project, or {@value #NO_PROJECT_KEY}, so one project's entries stay in order. */
    public String partitionKey() {
        return project == null ? NO_PROJECT_KEY : project;
    }

    /** Always null: an audit entry concerns an action, not a repository. */
    @Override
    public String repository() {
        return null;
    }

    /** Always null. */
    @Override
    public String tag() {
        return null;
    }

    /** Always null. */
    @Override
    public String digest() {
        return null;
    }

    /** Starts an entry of {@code service} about {@code action} at {@code time}; success unless told otherwise. */
    public static Builder builder(String service, String action, OffsetDateTime time) {
        return new Builder(service, action, time);
    }

    /** How an action ended; written in lower case. Unknown outcomes read as null. */
    public enum Outcome {
        /** It was done. */
        @JsonProperty("success") SUCCESS,
        /** It was tried and did not work (e.g. wrong credentials). */
        @JsonProperty("failure") FAILURE,
        /** It was not allowed, or not even tried (e.g. a locked account, a missing approval). */
        @JsonProperty("refused") REFUSED
    }

    /** Kind of actor; written in lower case. Unknown kinds read as null. */
    public enum ActorKind {
        @JsonProperty("user") USER,
        @JsonProperty("robot") ROBOT,
        @JsonProperty("anonymous") ANONYMOUS,
        /** A service acting on its own (a schedule, retention, garbage collection). */
        @JsonProperty("system") SYSTEM
    }

    /** The services that record audit entries (the {@code service} field). */
    public static final class Services {
        public static final String REGISTRY = "registry";
        public static final String NOTIFIER = "notifier";
        public static final String DEPLOYER = "deployer";

        private Services() {
        }
    }

    /**
     * The actions Wharf records. Actions are additive like event types: a new action may appear,
     * an existing one never changes meaning. Readers must accept actions they do not know.
     */
    public static final class Actions {
        /** A credential (password, personal access token, robot secret) was checked and held; a token was issued for it. */
        public static final String SIGN_IN_SUCCEEDED = "sign-in.succeeded";
        /** A credential was checked and did not hold; {@code subject} is the name tried. */
        public static final String SIGN_IN_FAILED = "sign-in.failed";
        /** Failures reached the limit: sign-ins for {@code subject} (an account, or {@code address:<key>}) are refused for a while. */
        public static final String SIGN_IN_LOCKED = "sign-in.locked";
        /** A management API token was issued, or a refresh token was exchanged. */
        public static final String TOKEN_ISSUED = "token.issued";
        /** Tokens were ended without deleting what minted them. */
        public static final String TOKEN_REVOKED = "token.revoked";
        public static final String ACCOUNT_CREATED = "account.created";
        public static final String ACCOUNT_DELETED = "account.deleted";
        public static final String ACCOUNT_PASSWORD_CHANGED = "account.password-changed";
        /** An administrator cleared an account's failed sign-ins. */
        public static final String ACCOUNT_UNLOCKED = "account.unlocked";
        public static final String MEMBER_ADDED = "member.added";
        public static final String MEMBER_CHANGED = "member.changed";
        public static final String MEMBER_REMOVED = "member.removed";
        public static final String ROBOT_CREATED = "robot.created";
        public static final String ROBOT_SECRET_ROTATED = "robot.secret-rotated";
        public static final String ROBOT_DELETED = "robot.deleted";
        public static final String PAT_CREATED = "pat.created";
        public static final String PAT_DELETED = "pat.deleted";
        public static final String PROJECT_CREATED = "project.created";
        public static final String PROJECT_VISIBILITY_CHANGED = "project.visibility-changed";
        public static final String PROJECT_DELETED = "project.deleted";
        /** An administrator set or cleared an account's or a project's pull limits. */
        public static final String PULL_LIMIT_CHANGED = "pull-limit.changed";
        public static final String SUBSCRIPTION_CREATED = "subscription.created";
        public static final String SUBSCRIPTION_CHANGED = "subscription.changed";
        public static final String SUBSCRIPTION_DELETED = "subscription.deleted";
        public static final String TARGET_CREATED = "target.created";
        public static final String TARGET_CHANGED = "target.changed";
        public static final String TARGET_DELETED = "target.deleted";
        public static final String TARGET_GRANTED = "target.granted";
        public static final String TARGET_REVOKED = "target.revoked";
        public static final String RULE_CREATED = "rule.created";
        public static final String RULE_CHANGED = "rule.changed";
        public static final String RULE_DELETED = "rule.deleted";
        public static final String DEPLOYMENT_APPROVED = "deployment.approved";
        public static final String DEPLOYMENT_REJECTED = "deployment.rejected";
        /** A manual rollback of a deployment to an earlier digest was asked for. */
        public static final String DEPLOYMENT_ROLLED_BACK = "deployment.rolled-back";
        /** Redelivery of one notification delivery was asked for. */
        public static final String DELIVERY_REDELIVERY_REQUESTED = "delivery.redelivery-requested";
        /** Redelivery of a subscription's dead letters was asked for. */
        public static final String SUBSCRIPTION_REDELIVERY_REQUESTED = "subscription.redelivery-requested";
        public static final String RETENTION_RAN = "retention.ran";
        public static final String RETENTION_POLICY_CHANGED = "retention.policy-changed";
        public static final String GC_RAN = "gc.ran";
        public static final String IMMUTABILITY_RULE_CREATED = "immutability-rule.created";
        public static final String IMMUTABILITY_RULE_CHANGED = "immutability-rule.changed";
        public static final String IMMUTABILITY_RULE_DELETED = "immutability-rule.deleted";
        /** A system administrator deleted a tag an immutability rule protects (break-glass). */
        public static final String TAG_IMMUTABILITY_OVERRIDDEN = "tag.immutability-overridden";
        public static final String QUOTA_CHANGED = "quota.changed";
        /** A recomputation of quota usage corrected what was stored. */
        public static final String QUOTA_USAGE_RECOMPUTED = "quota.usage-recomputed";

        private Actions() {
        }
    }

    /** Builds {@link AuditEventData}; {@code service}, {@code action} and {@code time} are given up front. */
    public static final class Builder {
        private final String service;
        private final String action;
        private final OffsetDateTime time;
        private Outcome outcome = Outcome.SUCCESS;
        private String actor;
        private ActorKind actorKind;
        private String role;
        private String address;
        private String requestId;
        private String project;
        private String subject;
        private final Map<String, String> summary = new LinkedHashMap<>();

        private Builder(String service, String action, OffsetDateTime time) {
            this.service = service;
            this.action = action;
            this.time = time;
        }

        public Builder outcome(Outcome outcome) {
            this.outcome = outcome;
            return this;
        }

        /** The actor and its kind; a null name with {@link ActorKind#USER} or {@link ActorKind#ROBOT} is refused on build. */
        public Builder actor(ActorKind kind, String name) {
            this.actorKind = kind;
            this.actor = name;
            return this;
        }

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        /** Adds a summary entry; null values are left out, secret-naming keys are dropped on build. */
        public Builder summary(String key, Object value) {
            if (value != null) {
                summary.put(key, value.toString());
            }
            return this;
        }

        public AuditEventData build() {
            if ((actorKind == ActorKind.USER || actorKind == ActorKind.ROBOT) && actor == null) {
                throw new IllegalArgumentException("a " + actorKind + " actor needs a name");
            }
            return new AuditEventData(service, action, outcome, actor, actorKind, role, address, requestId, project, subject,
                    summary, time);
        }
    }
}
