package io.wharf.notifier.channel;

import java.util.List;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * One way of telling someone about registry events. Contract: {@link #send} never fails its Uni;
 * every problem is a {@link SendResult} (retry or final), and nothing secret goes into it.
 */
public interface NotificationChannel {

    ChannelKind kind();

    /**
     * True when all pending deliveries of a subscription go out as one message (Slack summaries,
     * email digests); false when each delivery is sent alone ({@code events} then holds one event).
     */
    default boolean coalesces() {
        return false;
    }

    /**
     * Sends {@code events} to the subscription's {@code destination}.
     *
     * @param messageId stable across retries of the same message (the first delivery's id)
     */
    Uni<SendResult> send(Destination destination, String messageId, List<WharfEvent<?>> events);

    /** Where the subscription's messages go, for logs and pipeline events; contains no secret. */
    String target(Destination destination);
}
