package io.wharf.deployer.targets;

/** A target refused or could not take a change; the message is recorded as the deployment's reason. */
public class TargetException extends RuntimeException {

    public TargetException(String message) {
        super(message);
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
