package io.wharf.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.config.NotifierConfig;
import io.wharf.notifier.subscription.Subscription;
import io.wharf.notifier.subscription.SubscriptionMatcher;
import io.wharf.notifier.subscription.SubscriptionRepository;

/**
 * Records the deliveries an event causes, one per matching subscription, in the caller's
 * transaction (the one that records the event as received). Idempotent on (event id,
 * subscription): planning the same event again adds nothing.
 */
@ApplicationScoped
public class DeliveryPlanner {

    private final SubscriptionRepository subscriptions;
    private final NotifierConfig config;

    public DeliveryPlanner(SubscriptionRepository subscriptions, NotifierConfig config) {
        this.subscriptions = subscriptions;
        this.config = config;
    }

    /** Plans deliveries of a registry event; returns how many were recorded. Runs in the caller's transaction. */
    public Uni<Integer> plan(WharfEvent<?> event) {
        String repository = event.data().repository();
        String project = repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : repository;
        return subscriptions.enabledFor(project)
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .filter(subscription -> SubscriptionMatcher.matches(subscription, event))
                .onItem().transformToUniAndConcatenate(subscription -> record(event, subscription, false))
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }

    /** Records one delivery due after the channel's first wait; 1 when recorded, 0 when it existed. */
    public Uni<Integer> record(WharfEvent<?> event, Subscription subscription, boolean test) {
        OffsetDateTime due = OffsetDateTime.now().plus(firstWait(subscription));
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO delivery (id, event_id, subscription_id, event_type, repository, tag, digest, event, test,
                                      state, next_attempt_at)
                VALUES (:id, :eventId, :subscriptionId, :type, :repository, :tag, :digest, :event, :test, 'PENDING', :due)
                ON CONFLICT (event_id, subscription_id) DO NOTHING""")
                .setParameter("id", deliveryId(event.id(), subscription.id))
                .setParameter("eventId", event.id())
                .setParameter("subscriptionId", subscription.id)
                .setParameter("type", event.type().cloudEventType())
                .setParameter("repository", event.data().repository())
                .setParameter("tag", event.data().tag())
                .setParameter("digest", event.data().digest())
                .setParameter("event", new String(EventCodec.toStructuredJson(event), StandardCharsets.UTF_8))
                .setParameter("test", test)
                .setParameter("due", due)
                .executeUpdate());
    }

    /** The delivery id of (event, subscription): derived, so it is the same however often it is planned. */
    public static UUID deliveryId(String eventId, UUID subscriptionId) {
        return UUID.nameUUIDFromBytes((eventId + "|" + subscriptionId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * How long a new delivery waits before it is due: Slack waits one pacing interval so a burst
     * becomes one summary; an email digest waits its interval; everything else goes at once.
     */
    private Duration firstWait(Subscription subscription) {
        return switch (subscription.channel) {
            case SLACK -> config.slack().minInterval();
            case EMAIL -> subscription.digestIntervalSeconds == null ? Duration.ZERO
                    : Duration.ofSeconds(subscription.digestIntervalSeconds);
            case WEBHOOK -> Duration.ZERO;
        };
    }
}
