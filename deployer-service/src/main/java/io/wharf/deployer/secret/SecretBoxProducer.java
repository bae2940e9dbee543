package io.wharf.deployer.secret;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.wharf.deployer.config.DeployerConfig;
import io.wharf.outbound.SecretBox;

/** The deployer's {@link SecretBox}: target secrets sealed under {@code wharf.deployer.secrets-key}. */
public class SecretBoxProducer {

    @Produces
    @Singleton
    SecretBox secretBox(DeployerConfig config) {
        return new SecretBox(config.secretsKey(), "wharf.deployer.secrets-key");
    }
}
