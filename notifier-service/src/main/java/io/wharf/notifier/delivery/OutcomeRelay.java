package io.wharf.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.NotificationEventData;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.NotificationChannel;
import io.wharf.notifier.config.NotifierConfig;
import io.wharf.notifier.subscription.Subscription;
import io.wharf.notifier.subscription.SubscriptionRepository;

/**
 * Publishes the outcome of each finished delivery at least once: {@code notification.delivered},
 * or {@code notification.failed} plus a dead letter. The finishing transaction marks the delivery
 * unpublished; publishing marks it published; a sweep republishes what a crash or a Kafka outage
 * left behind. Pipeline event ids are derived from (delivery, outcome, attempt), so a republished
 * outcome is the same event and the registry's trace keeps one copy.
 */
@ApplicationScoped
public class OutcomeRelay {
    private static final Logger LOG = Logger.getLogger(OutcomeRelay.class);

    private final NotificationPublisher publisher;
    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final Map<ChannelKind, NotificationChannel> channels;
    private final Duration sweepAge;

    public OutcomeRelay(NotificationPublisher publisher, DeliveryRepository deliveries,
            SubscriptionRepository subscriptions, Instance<NotificationChannel> channels, NotifierConfig config) {
        this.sweepAge = config.delivery().outcomeSweepInterval();
        this.publisher = publisher;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.channels = channels.stream().collect(Collectors.toMap(NotificationChannel::kind, Function.identity()));
    }

    /**
     * Publishes a finished delivery's outcome, then marks it published; a failure (also one building the outcome)
     * is logged and left to the sweep, and never stops the sweep's other deliveries.
     */
    public Uni<Void> publish(Subscription subscription, Delivery delivery) {
        return Uni.createFrom().deferred(() -> send(subscription, delivery))
                .chain(() -> Panache.withTransaction(() -> deliveries.update("outcomePublished = true where id = ?1", delivery.id)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("outcome of delivery %s not published yet (%s); the sweep retries", delivery.id, failure.getMessage());
                    return null;
                });
    }

    private Uni<Void> send(Subscription subscription, Delivery delivery) {
        if (delivery.state == Delivery.State.DELIVERED) {
            return publisher.outcome(event(EventType.NOTIFICATION_DELIVERED, subscription, delivery));
        }
        return publisher.outcome(event(EventType.NOTIFICATION_FAILED, subscription, delivery))
                .chain(() -> publisher.deadLetter(EventCodec.fromStructuredJson(delivery.event), delivery));
    }

    @Scheduled(every = "${wharf.notifier.delivery.outcome-sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Panache.withSession(() -> deliveries.list(
                "outcomePublished = false and state in ?1 and updatedAt < ?2 order by updatedAt",
                List.of(Delivery.State.DELIVERED, Delivery.State.DEAD), OffsetDateTime.now().minus(sweepAge)))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUniAndConcatenate(delivery -> Panache.withSession(() -> subscriptions.findById(delivery.subscriptionId))
                        .chain(subscription -> subscription == null ? Uni.createFrom().voidItem() : publish(subscription, delivery)))
                .collect().last().replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "outcome sweep failed");
                    return null;
                });
    }

    private WharfEvent<NotificationEventData> event(EventType type, Subscription subscription, Delivery delivery) {
        NotificationEventData data = NotificationEventData.builder()
                .eventId(delivery.eventId)
                .eventType(EventType.find(delivery.eventType).orElse(null))
                .subscriptionId(subscription.id.toString())
                .deliveryId(delivery.id.toString())
                .channel(NotificationEventData.Channel.valueOf(subscription.channel.name()))
                .target(channels.get(subscription.channel).target(subscription.destination()))
                .attempt(delivery.attempts)
                .statusCode(delivery.lastStatusCode)
                .error(delivery.state == Delivery.State.DELIVERED ? null : delivery.lastError)
                .repository(delivery.repository)
                .tag(delivery.tag)
                .digest(delivery.digest)
                .build();
        String id = UUID.nameUUIDFromBytes((delivery.id + "|" + type.suffix() + "|" + delivery.attempts)
                .getBytes(StandardCharsets.UTF_8)).toString();
        return new WharfEvent<>(id, type, NotificationPublisher.SOURCE, data.tag() != null ? data.tag() : data.digest(),
                delivery.updatedAt, data);
    }
}
