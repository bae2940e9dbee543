package io.wharf.deployer.secret;

import io.wharf.deployer.targets.TargetSettings;

/**
 * Target settings holding one secret that the deployer generates when none is given, shows once in
 * the answer that creates the rule, and stores sealed by {@link io.wharf.outbound.SecretBox}; or, for an
 * {@link #secretOptional() optional} secret, that the user gives or leaves out and that is stored sealed.
 */
public interface SecretSettings extends TargetSettings {

    /** What {@link TargetSettings#redacted()} shows instead of the secret. */
    String REDACTED = "********";

    /** The secret: clear in requests, sealed once stored, null when none was given. */
    String secret();

    /** The same settings holding {@code secret}. */
    SecretSettings withSecret(String secret);

    /** A new random secret for settings that got none (not called when {@link #secretOptional()}). */
    String newSecret();

    /**
     * True for a secret the user brings or leaves out (registry credentials): none is generated, and
     * the one given is sealed but not shown back.
     */
    default boolean secretOptional() {
        return false;
    }
}
