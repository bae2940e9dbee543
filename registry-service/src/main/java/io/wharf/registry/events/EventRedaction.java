package io.wharf.registry.events;

import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What callers outside an event's project do not see: the pusher's address and User-Agent
 * ({@code request.remoteAddr}, {@code request.userAgent} of registry events), and where the
 * pipeline went: a notification's {@code target} (the webhook host, the channel address) and
 * {@code error} (which may name it), a deployment's {@code target} (cluster, namespace, workload,
 * host) and {@code message} (which may name them), and a quota event's usage and request (what a
 * project stores is its own business). Everything else is shown as published.
 */
public final class EventRedaction {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTIFICATION = "io.wharf.notification.";
    private static final String DEPLOYMENT = "io.wharf.deployment.";
    private static final String QUOTA = "io.wharf.quota.";

    private EventRedaction() {
    }

    /** The event without the fields above (the same event when it has none of them). */
    public static EventView redact(EventView event) {
        JsonNode data;
        try {
            data = JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        if (!(data instanceof ObjectNode fields)) {
            return event;
        }
        if (event.type().startsWith(NOTIFICATION) || event.type().startsWith(DEPLOYMENT)) {
            fields.remove(event.type().startsWith(NOTIFICATION) ? "error" : "message");
            fields.remove("target");
        } else if (event.type().startsWith(QUOTA)) {
            // A project's usage and limit are its members' business.
            fields.remove("quota");
            fields.remove("request");
        } else if (fields.get("request") instanceof ObjectNode request) {
            request.remove("remoteAddr");
            request.remove("userAgent");
        }
        return new EventView(event.specversion(), event.id(), event.type(), event.source(), event.subject(), event.time(),
                event.datacontenttype(), fields.toString());
    }
}
