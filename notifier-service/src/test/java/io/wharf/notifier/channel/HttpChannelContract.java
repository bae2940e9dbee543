package io.wharf.notifier.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;

import io.wharf.infra.Net;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Receiver.Answer;

/**
 * The {@link NotificationChannelContract} for channels that POST to a URL: each destination gets a
 * real HTTP {@link Receiver} on loopback (the only private network the test profile lets the
 * notifier call), closed when the test ends.
 */
public abstract class HttpChannelContract extends NotificationChannelContract {

    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();

    /** A destination of this channel sending to {@code url}. */
    protected abstract Destination destination(String url);

    /** The path the channel's URLs use (a Slack webhook's path is its secret). */
    protected abstract String path();

    @AfterEach
    void closeReceivers() throws Exception {
        for (Receiver receiver : receivers.values()) {
            receiver.close();
        }
        receivers.clear();
    }

    private Destination at(Receiver receiver) {
        String url = receiver.url(path());
        receivers.put(url, receiver);
        return destination(url);
    }

    @Override
    protected Destination reachable() throws Exception {
        return at(Receiver.start());
    }

    @Override
    protected Destination notTakingMessagesNow() throws Exception {
        return at(Receiver.start().otherwise(Answer.of(503)));
    }

    @Override
    protected Optional<Destination> unreachable() {
        return Optional.of(destination("http://127.0.0.1:" + Net.freePort() + path()));
    }

    @Override
    protected Optional<Destination> onAPrivateAddress() {
        return Optional.of(destination("http://10.1.2.3:8080" + path()));
    }

    /** Each request as its headers, a blank line and its body. */
    @Override
    protected List<String> messagesAt(Destination destination) {
        List<String> messages = new ArrayList<>();
        for (Receiver.Request request : receivers.get(destination.url()).requests()) {
            StringBuilder text = new StringBuilder();
            request.headers().forEach(header -> text.append(header.getKey()).append(": ").append(header.getValue()).append('\n'));
            messages.add(text.append('\n').append(request.body()).toString());
        }
        return messages;
    }
}
