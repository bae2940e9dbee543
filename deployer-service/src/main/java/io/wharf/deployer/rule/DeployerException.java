package io.wharf.deployer.rule;

/** A request the deployer refuses; {@link #kind()} decides the HTTP status. */
public class DeployerException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, FORBIDDEN, CONFLICT }

    private final Kind kind;
    private final String project;

    public DeployerException(Kind kind, String message) {
        this(kind, message, null);
    }

    private DeployerException(Kind kind, String message, String project) {
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

    /** Whether the caller was refused for want of rights (403), which the audit log records. */
    public static boolean isRefusal(Throwable failure) {
        return failure instanceof DeployerException e && e.kind == Kind.FORBIDDEN;
    }

    public static DeployerException invalid(String message) {
        return new DeployerException(Kind.INVALID, message);
    }

    public static DeployerException notFound(String message) {
        return new DeployerException(Kind.NOT_FOUND, message);
    }

    public static DeployerException forbidden() {
        return new DeployerException(Kind.FORBIDDEN, "not allowed");
    }

    /** Refused in {@code project}. */
    public static DeployerException forbiddenIn(String project) {
        return forbiddenIn(project, "not allowed");
    }

    /** Refused in {@code project}, saying why. */
    public static DeployerException forbiddenIn(String project, String message) {
        return new DeployerException(Kind.FORBIDDEN, message, project);
    }

    public static DeployerException conflict(String message) {
        return new DeployerException(Kind.CONFLICT, message);
    }
}
