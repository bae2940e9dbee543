package io.wharf.deployer.targets;

/** What a grant of a target to a project bounds, by target kind. */
public enum GrantBounds {
    /** Allowed namespaces (globs, at least one) and, optionally, a workload name glob: Kubernetes. */
    NAMESPACES_AND_NAME,
    /** A name glob (required): the container names of a Docker host. */
    NAME,
    /** Nothing beyond the target's endpoint: an HTTP hook. */
    NONE
}
