package io.wharf.registry.audit;

import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One audit entry as the API shows it; the fields of {@code audit.recorded} data, plus its event id. */
@Schema(name = "AuditRecord")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditView(
        @Schema(description = "The entry's id, also the id of its audit.recorded CloudEvent") String id,
        OffsetDateTime time,
        @Schema(description = "registry, notifier or deployer") String service,
        @Schema(description = "What was done, e.g. member.added or sign-in.failed") String action,
        @Schema(description = "success, failure or refused") String outcome,
        @Schema(description = "Who acted; absent for anonymous callers and the system") String actor,
        @Schema(description = "user, robot, anonymous or system") String actorKind,
        @Schema(description = "the system administrators' group when the actor is one, else the actor's project role, or absent") String role,
        String address,
        String requestId,
        String project,
        @Schema(description = "What was acted on, e.g. a user or robot name") String subject,
        @Schema(description = "Redacted details; never a secret") Map<String, String> summary) {

    /** The columns of a CSV export, in order. */
    public static final String CSV_HEADER = "id,time,service,action,outcome,actor,actorKind,role,address,requestId,project,subject,summary";
}
