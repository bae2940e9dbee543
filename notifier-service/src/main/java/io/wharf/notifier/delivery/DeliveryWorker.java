package io.wharf.notifier.delivery;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.mailer.Mail;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.EmailChannel;
import io.wharf.notifier.channel.NotificationChannel;
import io.wharf.notifier.channel.SendResult;
import io.wharf.notifier.config.NotifierConfig;
import io.wharf.notifier.subscription.Subscription;
import io.wharf.notifier.subscription.SubscriptionRepository;

/**
 * Works the persisted delivery schedule: takes due deliveries (leased), sends them through their
 * subscription's channel, and records each attempt. Outcomes: delivered; retried later with
 * backoff (network errors, timeouts, 408, 429, 5xx, honouring {@code Retry-After}); dead after the
 * last attempt or a final refusal (other 4xx, a refused target), then dead-lettered and
 * {@code notification.failed} published. A 410, or failing for longer than
 * {@code wharf.notifier.delivery.disable-after}, disables the subscription and tells its owner.
 * Up to {@code wharf.notifier.delivery.concurrency} subscriptions are worked at once, each one's
 * deliveries in order; a channel that coalesces sends all of a subscription's pending deliveries as
 * one message and is then paced.
 */
@ApplicationScoped
public class DeliveryWorker {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private final DeliveryQueue queue;
    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final OutcomeRelay outcomes;
    private final EmailChannel email;
    private final Map<ChannelKind, NotificationChannel> channels;
    private final NotifierConfig config;
    private final RetryPolicy retries;
    private final Vertx vertx;

    public DeliveryWorker(DeliveryQueue queue, DeliveryRepository deliveries, SubscriptionRepository subscriptions,
            OutcomeRelay outcomes, EmailChannel email, Instance<NotificationChannel> channels,
            NotifierConfig config, Vertx vertx) {
        this.vertx = vertx;
        this.queue = queue;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.outcomes = outcomes;
        this.email = email;
        this.channels = channels.stream().collect(Collectors.toMap(NotificationChannel::kind, Function.identity()));
        this.config = config;
        this.retries = new RetryPolicy(config.delivery());
    }

    @Scheduled(every = "${wharf.notifier.delivery.poll-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return queue.dueSubscriptions(config.delivery().batchSize())
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUni(id -> onOwnContext(() -> work(id),
                        "working a subscription's deliveries failed; its leases run out and it is taken again"))
                .merge(config.delivery().concurrency())
                .collect().last().replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "delivery poll failed");
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Runs {@code work} on a new, safe duplicated Vert.x context: its own Hibernate Reactive session,
     * so that several subscriptions can be worked at once without sharing one. A failure is logged
     * with {@code onFailure} and ends the returned Uni normally.
     */
    private Uni<Void> onOwnContext(Supplier<Uni<Void>> work, String onFailure) {
        Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(own, true);
        return Uni.createFrom().emitter(emitter -> own.runOnContext(ignored -> work.get().subscribe().with(
                emitter::complete,
                failure -> {
                    LOG.errorf(failure, onFailure);
                    emitter.complete(null);
                })));
    }

    private Uni<Void> work(UUID subscriptionId) {
        return Panache.withSession(() -> subscriptions.findById(subscriptionId)).chain(subscription -> {
            if (subscription == null) {
                return Uni.createFrom().voidItem();
            }
            NotificationChannel channel = channels.get(subscription.channel);
            boolean together = channel.coalesces() && subscription.enabled;
            return queue.lease(subscriptionId, together, config.delivery().batchSize(), config.delivery().lease())
                    .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Delivery>of())
                            : Panache.withSession(() -> deliveries.byIds(ids)))
                    .onItem().transformToMulti(leased -> Multi.createFrom().iterable(
                            together ? (leased.isEmpty() ? List.of() : List.of(leased)) : leased.stream().map(List::of).toList()))
                    .onItem().transformToUniAndConcatenate(group -> attempt(subscription, channel, group))
                    .collect().last().replaceWithVoid();
        });
    }

    private Uni<Void> attempt(Subscription subscription, NotificationChannel channel, List<Delivery> group) {
        if (!subscription.enabled) {
            return record(subscription.id, group, SendResult.refused("subscription disabled: " + subscription.disabledReason),
                    channel, subscription);
        }
        return Uni.createFrom().deferred(() -> {
                    List<WharfEvent<?>> events = new ArrayList<>();
                    for (Delivery delivery : group) {
                        events.add(EventCodec.fromStructuredJson(delivery.event));
                    }
                    return channel.send(subscription.destination(), group.get(0).id.toString(), events);
                })
                .onFailure().recoverWithItem(failure -> SendResult.retry(failure.getClass().getSimpleName(), 0))
                .chain(result -> record(subscription.id, group, result, channel, subscription));
    }

    /** Records the attempt on every delivery of the group and the subscription's health, then publishes. */
    private Uni<Void> record(UUID subscriptionId, List<Delivery> group, SendResult result, NotificationChannel channel,
            Subscription detached) {
        OffsetDateTime now = OffsetDateTime.now();
        List<Delivery> finished = new ArrayList<>();
        String[] disabledBecause = new String[1];
        return Panache.withTransaction(() -> subscriptions.findById(subscriptionId).chain(subscription -> deliveries
                .byIds(group.stream().map(d -> d.id).toList())
                .chain(rows -> {
                    List<DeliveryAttempt> attempts = new ArrayList<>();
                    for (Delivery delivery : rows) {
                        delivery.attempts++;
                        delivery.updatedAt = now;
                        delivery.leaseUntil = null;
                        delivery.lastStatusCode = result.statusCode();
                        delivery.lastError = result.error();
                        attempts.add(attempt(delivery, now, result));
                        switch (result.outcome()) {
                            case DELIVERED -> {
                                delivery.state = Delivery.State.DELIVERED;
                                delivery.completedAt = now;
                            }
                            case RETRY -> {
                                delivery.retries++;
                                if (retries.mayRetry(delivery.retries)) {
                                    delivery.nextAttemptAt = now.plus(retries.delay(delivery.retries, result.retryAfter()));
                                } else {
                                    delivery.state = Delivery.State.DEAD;
                                    delivery.completedAt = now;
                                }
                            }
                            case FINAL -> {
                                delivery.state = Delivery.State.DEAD;
                                delivery.completedAt = now;
                            }
                        }
                        if (delivery.state != Delivery.State.PENDING) {
                            delivery.outcomePublished = delivery.test;
                            finished.add(delivery);
                        }
                    }
                    if (subscription != null) {
                        disabledBecause[0] = updateHealth(subscription, channel, result, now);
                    }
                    return Panache.getSession().chain(session -> session.persistAll(attempts.toArray()));
                })))
                .chain(() -> publish(detached, finished))
                .chain(() -> disabledBecause[0] == null ? Uni.createFrom().voidItem() : tellOwner(detached, disabledBecause[0]));
    }

    /** Updates failing-since, pacing and, when warranted, disables; returns the reason it was disabled now, else null. */
    private String updateHealth(Subscription subscription, NotificationChannel channel, SendResult result, OffsetDateTime now) {
        subscription.updatedAt = now;
        if (result.outcome() == SendResult.Outcome.DELIVERED) {
            subscription.failingSince = null;
        } else if (subscription.enabled) {
            if (subscription.failingSince == null) {
                subscription.failingSince = now;
            }
        }
        Duration pause = null;
        if (result.retryAfter() != null) {
            pause = result.retryAfter();
        } else if (channel.coalesces()) {
            pause = subscription.channel == ChannelKind.SLACK ? config.slack().minInterval()
                    : subscription.digestIntervalSeconds == null ? null : Duration.ofSeconds(subscription.digestIntervalSeconds);
        }
        subscription.pausedUntil = pause == null ? null : now.plus(pause);
        if (!subscription.enabled) {
            return null;
        }
        String reason = null;
        if (result.gone()) {
            reason = "the target answered 410 Gone";
        } else if (subscription.failingSince != null
                && !subscription.failingSince.plus(config.delivery().disableAfter()).isAfter(now)) {
            reason = "deliveries have failed since " + subscription.failingSince;
        }
        if (reason != null) {
            subscription.enabled = false;
            subscription.disabledReason = reason;
            subscription.disabledAt = now;
        }
        return reason;
    }

    private static DeliveryAttempt attempt(Delivery delivery, OffsetDateTime now, SendResult result) {
        DeliveryAttempt attempt = new DeliveryAttempt();
        attempt.deliveryId = delivery.id;
        attempt.attempt = delivery.attempts;
        attempt.attemptedAt = now;
        attempt.statusCode = result.statusCode();
        attempt.latencyMs = result.latencyMillis();
        attempt.error = result.error();
        attempt.responseExcerpt = result.responseExcerpt();
        return attempt;
    }

    private Uni<Void> publish(Subscription subscription, List<Delivery> finished) {
        return Multi.createFrom().iterable(finished)
                .invoke(delivery -> {
                    if (delivery.state == Delivery.State.DEAD) {
                        LOG.infof("delivery %s of event %s to subscription %s is dead after %d attempt(s): %s",
                                delivery.id, delivery.eventId, subscription.id, delivery.attempts, delivery.lastError);
                    }
                })
                .filter(delivery -> !delivery.test)
                .collect().asList()
                // Not awaited: a slow or absent Kafka must not hold up deliveries; the relay's sweep covers failures.
                // On a context of its own: marking outcomes published must not share the session of this
                // subscription's next attempt (sharing it closed that session under the attempt).
                .invoke(unpublished -> onOwnContext(() -> Multi.createFrom().iterable(unpublished)
                        .onItem().transformToUniAndConcatenate(delivery -> outcomes.publish(subscription, delivery))
                        .collect().last().replaceWithVoid(), "publishing outcomes failed; the relay's sweep retries")
                        .subscribe().with(ignored -> { }))
                .replaceWithVoid();
    }

    /** Logs the disabling and, when the owner left an address, mails them. */
    private Uni<Void> tellOwner(Subscription subscription, String reason) {
        LOG.warnf("subscription %s (%s) of %s disabled: %s", subscription.id, subscription.name, subscription.owner, reason);
        if (subscription.ownerEmail == null || subscription.ownerEmail.isBlank()) {
            return Uni.createFrom().voidItem();
        }
        String text = "Your Wharf subscription \"" + subscription.name + "\" (" + subscription.id + ") was disabled: "
                + reason + ".\nFix the target, then enable it again and redeliver what was dead-lettered.";
        // Tried again on failure, in the background (EmailChannel.sendNotice).
        return email.sendNotice(Mail.withText(subscription.ownerEmail, "[Wharf] Subscription " + subscription.name + " disabled", text),
                "the owner of subscription " + subscription.id);
    }
}
