package io.wharf.notifier.channel;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.config.NotifierConfig;

/**
 * Slack incoming webhooks. One event: a header, repository:tag, digest, who did it and a link.
 * Several pending events of one subscription (a burst): one summary, e.g. "7 tags pushed to
 * acme/api". The worker paces each subscription to one message per {@code wharf.notifier.slack.min-interval}
 * and honours 429 {@code Retry-After}. The webhook URL is a secret: only its host is shown.
 */
@ApplicationScoped
public class SlackChannel implements NotificationChannel {

    private static final int LISTED = 10;

    private final OutboundHttp http;
    private final NotifierConfig config;

    public SlackChannel(OutboundHttp http, NotifierConfig config) {
        this.http = http;
        this.config = config;
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.SLACK;
    }

    @Override
    public boolean coalesces() {
        return true;
    }

    @Override
    public String target(Destination destination) {
        return destination.host();
    }

    @Override
    public Uni<SendResult> send(Destination destination, String messageId, List<WharfEvent<?>> events) {
        byte[] body;
        try {
            body = EventCodec.objectMapper().writeValueAsBytes(message(events));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return http.post(URI.create(destination.url()), Map.of("Content-Type", "application/json"), body);
    }

    ObjectNode message(List<WharfEvent<?>> events) {
        String headline = EventSummary.headline(events);
        ObjectNode message = EventCodec.objectMapper().createObjectNode();
        message.put("text", headline);
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", truncate(headline, 150));
        if (events.size() == 1) {
            WharfEvent<?> event = events.get(0);
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            fields.addObject().put("type", "mrkdwn").put("text", "*Repository*\n" + EventSummary.reference(event));
            if (event.data().digest() != null) {
                fields.addObject().put("type", "mrkdwn").put("text", "*Digest*\n`" + event.data().digest() + "`");
            }
            fields.addObject().put("type", "mrkdwn").put("text", "*By*\n" + EventSummary.actor(event));
            EventSummary.link(config.registryUrl(), event).ifPresent(link -> blocks.addObject().put("type", "section")
                    .putObject("text").put("type", "mrkdwn").put("text", "<" + link + "|What happened next>"));
        } else {
            StringBuilder list = new StringBuilder();
            events.stream().limit(LISTED).forEach(event -> list.append("• ").append(EventSummary.title(event))
                    .append(" by ").append(EventSummary.actor(event)).append('\n'));
            if (events.size() > LISTED) {
                list.append("… and ").append(events.size() - LISTED).append(" more");
            }
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", list.toString().strip());
        }
        return message;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
