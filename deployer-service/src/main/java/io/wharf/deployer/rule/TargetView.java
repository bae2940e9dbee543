package io.wharf.deployer.rule;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A target as the API shows it. System administrators see everything but secrets (masked as
 * {@code ********}: the signing secret, header values, URL query values, passwords); {@code secret} is
 * present only in the answer that created or changed it, the one time it is shown. Project members see
 * only the name, kind and their own projects' grants of the targets their projects may use.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetView(UUID id, String name, String kind, String endpoint, JsonNode settings, Boolean allowWharf,
        List<TargetGrant> grants, String createdBy, OffsetDateTime createdAt, OffsetDateTime updatedAt, String secret) {
}
