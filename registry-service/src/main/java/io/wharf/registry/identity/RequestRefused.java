package io.wharf.registry.identity;

import io.wharf.reference.InvalidReferenceException;
import io.wharf.reference.RepositoryNames;

/**
 * A management request the services refused; nothing was changed. The reason says which answer
 * the caller gets (the HTTP layer maps it to a status), the message what to do about it.
 */
public class RequestRefused extends RuntimeException {

    /** Why a request was refused. */
    public enum Reason {
        /** The request itself is wrong (a name, a value). */
        INVALID,
        /** The caller must sign in. */
        UNAUTHENTICATED,
        /** The caller is signed in but may not do this. */
        DENIED,
        /** There is no such thing, or the caller may not know that there is. */
        NOT_FOUND,
        /** The change contradicts what exists (a name taken, a project still in use). */
        CONFLICT
    }

    private final Reason reason;

    public RequestRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static RequestRefused invalid(String message) {
        return new RequestRefused(Reason.INVALID, message);
    }

    /**
     * Refuses a name that cannot be a project's (nor an account's, whose personal project has its
     * name) with the message of {@link RepositoryNames}, the owner of that rule. The request records'
     * {@code @ProjectName} refuses such names first; this keeps one that reaches a service some other
     * way out of the database.
     */
    static void unlessProjectName(String name) {
        if (name == null) {
            throw invalid("a name is required");
        }
        try {
            RepositoryNames.validateProject(name);
        } catch (InvalidReferenceException e) {
            throw invalid(e.getMessage());
        }
    }

    public static RequestRefused unauthenticated() {
        return new RequestRefused(Reason.UNAUTHENTICATED, "authentication required");
    }

    public static RequestRefused denied() {
        return denied("requested access to the resource is denied");
    }

    /** Denied, saying why (when the reason is the caller's own credentials, not a secret). */
    public static RequestRefused denied(String why) {
        return new RequestRefused(Reason.DENIED, why);
    }

    public static RequestRefused notFound(String what) {
        return new RequestRefused(Reason.NOT_FOUND, what + " not found");
    }

    public static RequestRefused conflict(String message) {
        return new RequestRefused(Reason.CONFLICT, message);
    }
}
