package io.wharf.registry.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of matching events, in the order asked for (oldest first unless newest first).
 *
 * @param events the events of this page
 * @param next   cursor of the next page; absent on the last page
 */
@Schema(name = "EventPage")
public record EventPage(
        List<EventView> events,
        @Schema(description = "Pass as cursor to read the next page; absent when this is the last page")
        @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
}
