package io.wharf.deployer.targets.docker;

import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.TargetSettings;

/**
 * Where a Docker rule deploys: one named container on one Docker host.
 *
 * @param host         the Engine API address: {@code unix:///path/docker.sock} (default
 *                     {@code unix:///var/run/docker.sock}) or {@code tcp://host:port} (plain HTTP: only on a
 *                     trusted network)
 * @param container    the container's name; it keeps its name and configuration, only its image changes
 * @param registryAuth optional credentials for the pull (a user or a robot account and its secret),
 *                     sent to the engine as {@code X-Registry-Auth}; null pulls anonymously
 */
public record DockerSettings(String host, String container, RegistryAuth registryAuth) implements TargetSettings {

    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    /**
     * Registry credentials for pulls.
     *
     * @param username user or robot account name
     * @param password its password or robot secret; never rendered back ({@link DockerSettings#redacted()})
     */
    public record RegistryAuth(String username, String password) {
    }

    public DockerSettings {
        if (host == null || host.isBlank()) {
            host = DEFAULT_HOST;
        }
    }

    @Override
    public String displayName() {
        return "container " + container + " on " + host;
    }

    @Override
    public DockerSettings redacted() {
        return registryAuth == null ? this
                : new DockerSettings(host, container, new RegistryAuth(registryAuth.username(), DeployTarget.MASK));
    }
}
