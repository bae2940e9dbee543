package io.wharf.deployer.rule;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A deploy target as a system administrator writes it (POST and PUT).
 *
 * @param name       unique; rules name the target by it (or by its id)
 * @param kind       {@code kubernetes}, {@code docker} or {@code http}; fixed once created
 * @param endpoint   Kubernetes: {@code in-cluster} or {@code kubeconfig:<context>}; Docker: {@code unix:///…} or
 *                   {@code tcp://host:port}; HTTP: the hook URL
 * @param settings   the kind's other settings and credentials (HTTP: method, contentType, bodyTemplate,
 *                   timeout, headers, secret; Docker: registryAuth); a value given as {@code ********} keeps
 *                   the stored one unless the endpoint changes
 * @param allowWharf whether rules may deploy to Wharf's own workloads through it (default false)
 * @param grants     the projects that may use it, with bounds
 */
public record TargetRequest(
        @NotBlank(message = "is required") @Size(max = 63, message = "must be at most 63 characters") String name,
        @NotBlank(message = "is required: kubernetes, docker or http") @Size(max = 32, message = "must be at most 32 characters") String kind,
        @NotBlank(message = "is required") @Size(max = 2048, message = "must be at most 2048 characters") String endpoint,
        JsonNode settings,
        Boolean allowWharf,
        @Size(max = 1000, message = "must list at most 1000 grants") List<TargetGrant> grants) {
}
