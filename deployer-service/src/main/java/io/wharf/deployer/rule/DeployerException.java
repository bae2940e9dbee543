package io.wharf.deployer.rule;

/** A request the deployer refuses; {@link #kind()} decides the HTTP status. */
public class DeployerException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, FORBIDDEN, CONFLICT }

    private final Kind kind;

    public DeployerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
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

    public static DeployerException conflict(String message) {
        return new DeployerException(Kind.CONFLICT, message);
    }
}
