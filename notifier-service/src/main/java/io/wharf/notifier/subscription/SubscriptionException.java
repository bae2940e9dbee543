package io.wharf.notifier.subscription;

/** Why a subscription request cannot be carried out; the REST layer turns the kind into a status. */
public class SubscriptionException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, FORBIDDEN }

    private final Kind kind;
    private final String project;

    public SubscriptionException(Kind kind, String message) {
        this(kind, message, null);
    }

    private SubscriptionException(Kind kind, String message, String project) {
        super(message);
        this.kind = kind;
        this.project = project;
    }

    public Kind kind() {
        return kind;
    }

    /** The project the refused action was in, when known (the audit log records the refusal there); null otherwise. */
    public String project() {
        return project;
    }

    public boolean isForbidden() {
        return kind == Kind.FORBIDDEN;
    }

    public static SubscriptionException invalid(String message) {
        return new SubscriptionException(Kind.INVALID, message);
    }

    public static SubscriptionException notFound(String message) {
        return new SubscriptionException(Kind.NOT_FOUND, message);
    }

    public static SubscriptionException forbidden(String message) {
        return new SubscriptionException(Kind.FORBIDDEN, message);
    }

    /** Refused in {@code project} (null: a global subscription). */
    public static SubscriptionException forbiddenIn(String project, String message) {
        return new SubscriptionException(Kind.FORBIDDEN, message, project);
    }
}
