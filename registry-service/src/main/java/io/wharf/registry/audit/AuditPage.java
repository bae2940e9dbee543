package io.wharf.registry.audit;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of matching audit entries, newest first.
 *
 * @param records the entries of this page
 * @param next    cursor of the next (older) page; absent on the last page
 */
@Schema(name = "AuditPage")
public record AuditPage(
        List<AuditView> records,
        @Schema(description = "Pass as cursor to read the next page; absent when this is the last page")
        @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
}
