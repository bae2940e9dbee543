package io.wharf.deployer.targets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A deploy target as a system administrator defined it, checked by its kind ({@link DeployTarget#define}).
 *
 * @param endpoint    where it deploys, as stored and shown: a Kubernetes endpoint ({@code in-cluster} or
 *                    {@code kubeconfig:<context>}), a Docker host, an HTTP hook URL whose query values are
 *                    masked; two definitions with different endpoints never share credentials
 * @param settings    the kind's other settings as shown: every secret value replaced by
 *                    {@value DeployTarget#MASK}
 * @param credentials the secret values in clear (sealed as a whole when stored); empty when there are none
 * @param newSecret   a secret the deployer generated (or was given) that the answer shows once, or null
 */
public record TargetDefinition(String endpoint, ObjectNode settings, ObjectNode credentials, String newSecret) {

    public TargetDefinition {
        settings = settings == null ? JsonNodeFactory.instance.objectNode() : settings;
        credentials = credentials == null ? JsonNodeFactory.instance.objectNode() : credentials;
    }

    /** The same definition, read back from storage (no secret to show). */
    public static TargetDefinition stored(String endpoint, ObjectNode settings, ObjectNode credentials) {
        return new TargetDefinition(endpoint, settings, credentials, null);
    }
}
