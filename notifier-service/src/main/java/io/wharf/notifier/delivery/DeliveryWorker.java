package io.wharf.notifier.delivery;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.mailer.Mail;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
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
 * subscription's channel, and records each attempt. A webhook delivery the intake could lease as it
 * recorded it is sent straight after that commit ({@link #handOff}). It is woken when deliveries are queued
 * ({@link DeliverySignals}) and when a retry or a pause comes due; a poll every
 * {@code wharf.notifier.delivery.poll-interval} on a Vert.x timer is the safety net (for leases run
 * out, and signals missed while the listener reconnects). Outcomes: delivered; retried later with
 * backoff (network errors, timeouts, 408, 429, 5xx; a {@code Retry-After} replaces the backoff); dead after the
 * last attempt or a final refusal (other 4xx, a refused target), then dead-lettered and
 * {@code notification.failed} published. A 410, or failing for longer than
 * {@code wharf.notifier.delivery.disable-after}, disables the subscription and tells its owner.
 * Up to {@code wharf.notifier.delivery.concurrency} subscriptions are worked at once, each one's
 * deliveries in order, one attempt at a time, each leasing only what it sends; a channel that
 * coalesces sends all of a subscription's pending deliveries as one message and is then paced.
 */
@ApplicationScoped
public class DeliveryWorker {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    /** The most deliveries one coalesced message carries. */
    static final int COALESCED = 1000;

    private final DeliveryQueue queue;
    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final OutcomeRelay outcomes;
    private final EmailChannel email;
    private final Map<ChannelKind, NotificationChannel> channels;
    private final NotifierConfig config;
    private final RetryPolicy retries;
    private final Vertx vertx;
    /** Subscriptions being worked by this instance (each by one worker at a time, in order). */
    private final Set<UUID> working = ConcurrentHashMap.newKeySet();
    private final AtomicLong wakes = new AtomicLong();
    private boolean looking;
    private boolean lookAgain;
    private long safetyNet;

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

    void start(@Observes StartupEvent start) {
        long every = Math.max(config.delivery().pollInterval().toMillis(), 10);
        safetyNet = vertx.setPeriodic(Math.min(1000, every), every, timer -> poll());
    }

    void stop(@Observes ShutdownEvent stop) {
        vertx.cancelTimer(safetyNet);
    }

    /**
     * Looks for due work at once: after the intake committed deliveries, a redelivery, or a
     * delivery's next attempt coming due. Cheap to call often: calls while a look is under way
     * make one more look after it.
     */
    public void wake() {
        wakes.incrementAndGet();
        synchronized (this) {
            if (looking) {
                lookAgain = true;
                return;
            }
            looking = true;
        }
        vertx.runOnContext(ignored -> look());
    }

    /** Wakes the worker when {@code due} comes (at once when it is past). */
    public void wakeAt(OffsetDateTime due) {
        long nanos = Duration.between(OffsetDateTime.now(), due).toNanos();
        if (nanos <= 0) {
            wake();
        } else {
            // Rounded up, plus a millisecond: woken a fraction early, the look would not find the delivery due yet
            // and nothing else would wake the worker before the poll (seen in PromptDeliveryTest, polling hourly).
            vertx.setTimer((nanos + 999_999) / 1_000_000 + 1, timer -> wake());
        }
    }

    /** The safety net: finds what no wake-up announced (another instance's redelivery, an expired lease). */
    void poll() {
        wake();
    }

    /**
     * Starts working every due subscription not already being worked here, while fewer than
     * {@code concurrency} are; each one, when done, looks again.
     */
    private void look() {
        int free = config.delivery().concurrency() - working.size();
        Uni<List<UUID>> due = free <= 0 ? Uni.createFrom().item(List.of())
                : queue.dueSubscriptions(config.delivery().batchSize(), List.copyOf(working));
        due.subscribe().with(ids -> {
            int slots = config.delivery().concurrency() - working.size();
            for (UUID id : ids) {
                if (slots <= 0) {
                    break;
                }
                if (working.add(id)) {
                    slots--;
                    long wakesBefore = wakes.get();
                    onOwnContext(() -> work(id), "working a subscription's deliveries failed; its leases run out and it is taken again")
                            .subscribe().with(worked -> {
                                working.remove(id);
                                if (worked != null && worked > 0 || wakes.get() != wakesBefore) {
                                    wake();
                                }
                            });
                }
            }
            lookedAgain();
        }, failure -> {
            LOG.errorf(failure, "looking for due deliveries failed");
            lookedAgain();
        });
    }

    private void lookedAgain() {
        synchronized (this) {
            if (!lookAgain) {
                looking = false;
                return;
            }
            lookAgain = false;
        }
        vertx.runOnContext(ignored -> look());
    }

    /**
     * Sends a delivery the intake leased in the transaction that recorded it, right after that commit: no
     * query stands between the commit and the request. Its subscription's other deliveries, if any came
     * meanwhile, are found by the look that follows. Should this instance be working the subscription
     * already (a delivery of it finished in the meantime), the lease is given back and the worker takes the
     * delivery in its turn.
     */
    public void handOff(DeliveryPlanner.HandOff handOff) {
        Subscription subscription = handOff.subscription();
        if (!working.add(subscription.id)) {
            queue.release(List.of(handOff.delivery().id)).subscribe().with(released -> wake(),
                    failure -> LOG.warnf("giving back the lease of delivery %s failed (it runs out): %s", handOff.delivery().id,
                            failure.toString()));
            return;
        }
        long wakesBefore = wakes.get();
        onOwnContext(() -> attempt(subscription, channels.get(subscription.channel), List.of(handOff.delivery())).replaceWith(1),
                "sending a handed-off delivery failed; its lease runs out and it is taken again")
                .subscribe().with(sent -> {
                    working.remove(subscription.id);
                    if (wakes.get() != wakesBefore) {
                        wake();
                    }
                });
    }

    /**
     * Runs {@code work} on a new, safe duplicated Vert.x context: its own Hibernate Reactive session,
     * so that several subscriptions can be worked at once without sharing one. A failure is logged
     * with {@code onFailure} and ends the returned Uni normally.
     */
    private <T> Uni<T> onOwnContext(Supplier<Uni<T>> work, String onFailure) {
        Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(own, true);
        return Uni.createFrom().emitter(emitter -> own.runOnContext(ignored -> work.get().subscribe().with(
                emitter::complete,
                failure -> {
                    LOG.errorf(failure, onFailure);
                    emitter.complete(null);
                })));
    }

    /**
     * Works the subscription's due deliveries one attempt at a time, in order, until none is due or
     * it is paused; returns how many were attempted. Only what an attempt sends is leased: if this
     * process dies mid-request, that delivery waits for its lease to run out, the others do not.
     */
    private Uni<Integer> work(UUID subscriptionId) {
        return workFrom(subscriptionId, 0);
    }

    private Uni<Integer> workFrom(UUID subscriptionId, int done) {
        return Panache.withSession(() -> subscriptions.findById(subscriptionId)).chain(subscription -> {
            if (subscription == null || subscription.enabled && subscription.pausedUntil != null
                    && subscription.pausedUntil.isAfter(OffsetDateTime.now())) {
                return Uni.createFrom().item(done);
            }
            NotificationChannel channel = channels.get(subscription.channel);
            boolean together = channel.coalesces() && subscription.enabled;
            return take(subscription).chain(leased -> leased.isEmpty() ? Uni.createFrom().item(done)
                    : attempt(subscription, channel, leased)
                            .chain(() -> together ? Uni.createFrom().item(done + leased.size())
                                    : workFrom(subscriptionId, done + leased.size())));
        });
    }

    /**
     * Leases what the subscription's next attempt sends: its oldest due delivery, or for a channel
     * that coalesces every pending one (up to {@value #COALESCED}), sent as one message.
     */
    private Uni<List<Delivery>> take(Subscription subscription) {
        return lease(subscription).chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Delivery>of())
                : Panache.withSession(() -> deliveries.byIds(ids)));
    }

    private Uni<List<UUID>> lease(Subscription subscription) {
        boolean together = channels.get(subscription.channel).coalesces() && subscription.enabled;
        return queue.lease(subscription.id, together, together ? COALESCED : 1, config.delivery().lease());
    }

    /**
     * Leases what an attempt at the subscription would take, as {@link #work} does, and sends
     * nothing: what an instance leaves behind when it dies mid-request (tests stand in for one).
     */
    public Uni<List<UUID>> leaseAsAnAttemptWould(UUID subscriptionId) {
        return onOwnContext(() -> Panache.withSession(() -> subscriptions.findById(subscriptionId)).chain(this::lease),
                "leasing failed");
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
        OffsetDateTime[] nextDue = new OffsetDateTime[1];
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
                                    nextDue[0] = earlier(nextDue[0], delivery.nextAttemptAt);
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
                        nextDue[0] = earlier(nextDue[0], subscription.pausedUntil);
                    }
                    return Panache.getSession().chain(session -> session.persistAll(attempts.toArray()));
                })))
                // Its next attempt, or the end of its pause, wakes the worker: to the millisecond, not the next poll.
                .invoke(() -> {
                    if (nextDue[0] != null) {
                        wakeAt(nextDue[0]);
                    }
                })
                .chain(() -> publish(detached, finished))
                .chain(() -> disabledBecause[0] == null ? Uni.createFrom().voidItem() : tellOwner(detached, disabledBecause[0]));
    }

    private static OffsetDateTime earlier(OffsetDateTime a, OffsetDateTime b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
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
