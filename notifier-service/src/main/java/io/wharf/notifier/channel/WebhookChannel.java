package io.wharf.notifier.channel;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.RegistryEventData;
import io.wharf.events.StorageEventData;
import io.wharf.events.WharfEvent;
import io.wharf.outbound.WebhookSignature;

/**
 * Generic webhooks: one POST per event, signed per Standard Webhooks ({@code webhook-id} is the
 * delivery id, stable across retries), in the subscription's payload format: a structured
 * CloudEvent, a binary-mode CloudEvent ({@code ce-*} headers, data as body), or a compact JSON.
 */
@ApplicationScoped
public class WebhookChannel implements NotificationChannel {

    private final OutboundHttp http;

    public WebhookChannel(OutboundHttp http) {
        this.http = http;
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.WEBHOOK;
    }

    @Override
    public String target(Destination destination) {
        return destination.host();
    }

    @Override
    public Uni<SendResult> send(Destination destination, String messageId, List<WharfEvent<?>> events) {
        WharfEvent<?> event = events.get(0);
        Map<String, String> headers = new LinkedHashMap<>(destination.headers());
        byte[] body = switch (destination.payloadFormat() == null ? PayloadFormat.CLOUDEVENTS_STRUCTURED
                : destination.payloadFormat()) {
            case CLOUDEVENTS_STRUCTURED -> {
                headers.put("Content-Type", EventCodec.STRUCTURED_CONTENT_TYPE);
                yield EventCodec.toStructuredJson(event);
            }
            case CLOUDEVENTS_BINARY -> {
                CloudEvent cloudEvent = EventCodec.toCloudEvent(event);
                headers.put("Content-Type", EventCodec.DATA_CONTENT_TYPE);
                headers.put("ce-specversion", cloudEvent.getSpecVersion().toString());
                headers.put("ce-id", cloudEvent.getId());
                headers.put("ce-source", cloudEvent.getSource().toString());
                headers.put("ce-type", cloudEvent.getType());
                if (cloudEvent.getSubject() != null) {
                    headers.put("ce-subject", cloudEvent.getSubject());
                }
                headers.put("ce-time", cloudEvent.getTime().toString());
                yield EventCodec.dataBytes(event);
            }
            case COMPACT -> {
                headers.put("Content-Type", "application/json");
                yield compact(event);
            }
        };
        long timestamp = OffsetDateTime.now().toEpochSecond();
        headers.putAll(WebhookSignature.headers(destination.secrets(), messageId, timestamp, body));
        return http.post(URI.create(destination.url()), headers, body);
    }

    /** {@code {id, type, time, repository, tag, digest, project, actor}}: the few fields most hooks need. */
    static byte[] compact(WharfEvent<?> event) {
        ObjectNode node = EventCodec.objectMapper().createObjectNode();
        node.put("id", event.id());
        node.put("type", event.type().cloudEventType());
        node.put("time", event.time().toString());
        node.put("repository", event.data().repository());
        node.put("tag", event.data().tag());
        node.put("digest", event.data().digest());
        if (event.data() instanceof StorageEventData storage) {
            node.put("project", storage.project());
        }
        if (event.data() instanceof RegistryEventData data) {
            node.put("project", data.project());
            if (data.actor() != null) {
                node.put("actor", data.actor().name());
            }
        }
        try {
            return EventCodec.objectMapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
