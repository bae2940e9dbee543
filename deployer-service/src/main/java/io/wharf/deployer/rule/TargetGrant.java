package io.wharf.deployer.rule;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A deploy target granted to one project, within bounds that depend on the target's kind
 * ({@link io.wharf.deployer.targets.GrantBounds}). Patterns are globs of the shared grammar
 * ({@link io.wharf.reference.Glob}), never regular expressions. A project may have several grants of one
 * target: a rule's workload must lie within one of them.
 *
 * @param project    the project whose rules may use the target
 * @param namespaces Kubernetes: the namespaces (globs, at least one) its rules may deploy to
 * @param workloads  Kubernetes: the workload names (a glob) its rules may deploy to; null for any
 * @param containers Docker: the container names (a glob) its rules may deploy to (required)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetGrant(String project, List<String> namespaces, String workloads, String containers) {
}
