package io.wharf.deployer.targets;

/**
 * Settings of one deploy target as stored with a rule (JSON). Implementations are records; they never
 * hold a secret in clear where it could be rendered back by the API ({@link #redacted()}).
 */
public interface TargetSettings {

    /** A display name without secrets (workload name, container name, URL host). */
    String displayName();

    /** The same settings with secrets replaced by a marker, for API answers and logs. */
    TargetSettings redacted();
}
