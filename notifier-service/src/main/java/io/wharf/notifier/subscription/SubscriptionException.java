package io.wharf.notifier.subscription;

/** Why a subscription request cannot be carried out; the REST layer turns the kind into a status. */
public class SubscriptionException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, FORBIDDEN }

    private final Kind kind;

    public SubscriptionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
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
}
