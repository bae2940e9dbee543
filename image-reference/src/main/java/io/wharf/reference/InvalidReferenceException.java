package io.wharf.reference;

import java.util.Objects;

/**
 * Thrown when an image reference, repository name, tag or digest is not valid.
 *
 * <p>Two texts are carried:
 * <ul>
 *   <li>{@link #getMessage()} is what the docker CLI prints for the same input, word for word
 *       (for example {@code invalid reference format}, or
 *       {@code invalid reference format: repository name (library/Nginx) must be lowercase}).
 *       Where docker only says {@code invalid reference format}, the message is exactly that.</li>
 *   <li>{@link #reason()} names the specific cause (for example
 *       {@code invalid tag format: tag must not be empty} or {@code invalid checksum digest length}),
 *       so an empty tag, a bad digest and a too long name can be told apart. It is safe to show to
 *       users, e.g. as the {@code message} of an OCI error response. When docker's own message is
 *       already specific, the reason is docker's text (the unwrapped library text for lower case).</li>
 * </ul>
 * {@link #code()} tells which part was wrong, named after the OCI distribution error codes.
 */
public class InvalidReferenceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Which part of a reference is invalid; the names are the OCI distribution spec error codes. */
    public enum Code {
        /** The registry host or the repository name (path) is invalid. */
        NAME_INVALID,
        /** The tag is invalid. */
        TAG_INVALID,
        /** The digest is invalid or uses an unsupported algorithm. */
        DIGEST_INVALID
    }

    private final String reason;
    private final Code code;

    /**
     * @param message the docker-compatible message, never null
     * @param reason  the specific cause, never null
     * @param code    the part that is wrong, never null
     */
    public InvalidReferenceException(String message, String reason, Code code) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Creates an exception whose message and reason are the same text. */
    public InvalidReferenceException(String message, Code code) {
        this(message, message, code);
    }

    /** The specific cause of the failure, suitable for showing to a user. Never null. */
    public String reason() {
        return reason;
    }

    /** The part of the reference that is invalid. Never null. */
    public Code code() {
        return code;
    }
}
