package io.wharf.notifier.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.support.Api;

/**
 * What every {@link NotificationChannel} promises, run against a real receiver: one message per send
 * carrying the event, every problem a {@link SendResult} (retried when the receiver may recover,
 * final when the target is refused) and never a failed Uni, and no secret in a target or an error.
 * A channel's test class extends this and supplies its receiver and a way to read what it got.
 */
public abstract class NotificationChannelContract {

    /** Longest a send may take before the contract counts it as hanging. */
    protected static final Duration SEND_LIMIT = Duration.ofSeconds(30);

    /** The channel under test. */
    protected abstract NotificationChannel channel();

    /** A destination whose receiver (new for each call) accepts every message. */
    protected abstract Destination reachable() throws Exception;

    /** Every message the receiver of {@code destination} got, each as readable text (headers and body). */
    protected abstract List<String> messagesAt(Destination destination) throws Exception;

    /** A destination whose receiver cannot take messages for now (an HTTP receiver answering 503, a stopped SMTP server). */
    protected abstract Destination notTakingMessagesNow() throws Exception;

    /** A destination where nothing listens, or empty when where the channel sends to is not part of a destination. */
    protected abstract Optional<Destination> unreachable() throws Exception;

    /** A destination on a private address the notifier may not call, or empty when the channel has no URL. */
    protected abstract Optional<Destination> onAPrivateAddress();

    /** The secrets in {@code destination}: signing secrets, header values and the URL's path and query. */
    protected List<String> secretsIn(Destination destination) {
        List<String> secrets = new ArrayList<>(destination.secrets());
        secrets.addAll(destination.headers().values());
        if (destination.url() != null) {
            URI url = URI.create(destination.url());
            if (url.getRawPath() != null && url.getRawPath().length() > 1) {
                secrets.add(url.getRawPath());
            }
            if (url.getRawQuery() != null) {
                secrets.add(url.getRawQuery());
            }
        }
        return secrets;
    }

    private SendResult send(Destination destination, List<WharfEvent<?>> events) {
        return channel().send(destination, UUID.randomUUID().toString(), events).await().atMost(SEND_LIMIT);
    }

    private List<String> awaitMessages(Destination destination, int count) {
        return await(count + " message(s) at " + destination).atMost(SEND_LIMIT)
                .until(() -> messagesAt(destination), messages -> messages.size() >= count);
    }

    private void assertNoSecretIn(String text, Destination destination) {
        for (String secret : secretsIn(destination)) {
            assertFalse(text != null && text.contains(secret), "shows the secret " + secret + ": " + text);
        }
    }

    @Test
    void deliversOneMessageCarryingTheEventToAReachableReceiver() throws Exception {
        Destination destination = reachable();
        WharfEvent<?> event = Api.pushed(Api.project("contract") + "/api", "1.4.2");

        SendResult result = send(destination, List.of(event));

        assertEquals(SendResult.Outcome.DELIVERED, result.outcome(), String.valueOf(result.error()));
        assertNotNull(result.statusCode(), "the receiver's answer");
        List<String> messages = awaitMessages(destination, 1);
        assertEquals(1, messages.size(), "exactly one message");
        assertTrue(messages.get(0).contains(event.id()), "the message carries the event id " + event.id() + ": " + messages.get(0));
    }

    @Test
    void severalEventsGoOutAsOneSummaryWhenTheChannelCoalescesElseOneMessageEach() throws Exception {
        Destination destination = reachable();
        String repository = Api.project("burst") + "/api";
        List<WharfEvent<?>> events = List.of(Api.event(EventType.TAG_CREATED, repository, "1.0.1"),
                Api.event(EventType.TAG_CREATED, repository, "1.0.2"), Api.event(EventType.TAG_CREATED, repository, "1.0.3"));

        if (channel().coalesces()) {
            assertEquals(SendResult.Outcome.DELIVERED, send(destination, events).outcome());
            List<String> messages = awaitMessages(destination, 1);
            assertEquals(1, messages.size(), "one message for all pending events");
            for (WharfEvent<?> event : events) {
                assertTrue(messages.get(0).contains(repository + ":" + event.data().tag()), "names " + event.data().tag());
            }
        } else {
            for (WharfEvent<?> event : events) {
                assertEquals(SendResult.Outcome.DELIVERED, send(destination, List.of(event)).outcome());
            }
            List<String> messages = awaitMessages(destination, events.size());
            assertEquals(events.size(), messages.size(), "one message per event");
            for (int i = 0; i < events.size(); i++) {
                assertTrue(messages.get(i).contains(events.get(i).id()), "message " + i + " carries its event");
            }
        }
    }

    @Test
    void aReceiverThatCannotTakeMessagesNowIsARetryNotAFailedUni() throws Exception {
        assertRetried(notTakingMessagesNow());
    }

    @Test
    void anUnreachableReceiverIsARetryNotAFailedUni() throws Exception {
        Optional<Destination> unreachable = unreachable();
        Assumptions.assumeTrue(unreachable.isPresent(), "where this channel sends to is not part of a destination");
        assertRetried(unreachable.get());
    }

    @Test
    void aPrivateAddressIsRefusedForGoodWithoutBeingCalled() {
        Optional<Destination> refused = onAPrivateAddress();
        Assumptions.assumeTrue(refused.isPresent(), "this channel has no URL to guard");

        SendResult result = sendOneEvent(refused.get());

        assertEquals(SendResult.Outcome.FINAL, result.outcome(), String.valueOf(result.error()));
        assertTrue(result.error().contains("private or reserved"), result.error());
        assertEquals(null, result.statusCode(), "no answer: nothing was called");
        assertNoSecretIn(result.error(), refused.get());
    }

    private SendResult sendOneEvent(Destination destination) {
        return send(destination, List.of(Api.pushed(Api.project("failing") + "/api", "1")));
    }

    /** The send completes (its Uni does not fail) with a retry that shows no secret. */
    private void assertRetried(Destination destination) {
        SendResult result = sendOneEvent(destination);

        assertEquals(SendResult.Outcome.RETRY, result.outcome(), String.valueOf(result.error()));
        assertNotNull(result.error());
        assertFalse(result.gone());
        assertNoSecretIn(result.error(), destination);
    }

    @Test
    void theTargetNamesWhereMessagesGoWithoutASecret() throws Exception {
        Destination destination = reachable();

        String target = channel().target(destination);

        assertFalse(target == null || target.isBlank());
        assertNoSecretIn(target, destination);
        assertNoSecretIn(destination.toString(), destination);
    }
}
