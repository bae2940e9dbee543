package io.wharf.deployer.targets;

/**
 * Where one rule's settings deploy, as a grant bounds it.
 *
 * @param namespace the Kubernetes namespace; null for kinds without namespaces
 * @param name      the workload's name (Kubernetes) or the container's (Docker); null for kinds that name
 *                  nothing beyond the endpoint (HTTP hooks)
 */
public record Place(String namespace, String name) {
}
