package io.wharf.registry.events;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A registry event and every pipeline outcome received about it.
 *
 * @param event    the registry event
 * @param pipeline the notification.* and deployment.* events that followed it, in the order they happened
 */
@Schema(name = "EventTrace")
public record EventTrace(EventView event, List<EventView> pipeline) {
}
