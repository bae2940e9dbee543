package io.wharf.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.config.NotifierConfig;
import io.wharf.notifier.subscription.Subscription;
import io.wharf.notifier.subscription.SubscriptionMatcher;
import io.wharf.notifier.subscription.SubscriptionRepository;

/**
 * Records the deliveries events cause, one per (event, matching subscription), in the caller's
 * transaction (the one that records the events as received). Idempotent on (event id, subscription):
 * planning the same event again adds nothing. Deliveries are recorded in the order of the events, which
 * is the order a subscription's deliveries are sent in ({@code delivery.seq}).
 */
@ApplicationScoped
public class DeliveryPlanner {

    private final SubscriptionRepository subscriptions;
    private final NotifierConfig config;

    public DeliveryPlanner(SubscriptionRepository subscriptions, NotifierConfig config) {
        this.subscriptions = subscriptions;
        this.config = config;
    }

    /**
     * Plans the deliveries of the registry events among {@code events}, in their order, with one query for
     * the subscriptions and one insert; returns when the planned deliveries to send come due (empty when
     * none), so that the worker can be woken then. Runs in the caller's transaction. An event a disabled
     * subscription matches is recorded as {@link Delivery.State#SUPPRESSED}: shown in its delivery log, not
     * sent, and sent when redelivered.
     */
    public Uni<SortedSet<OffsetDateTime>> plan(List<WharfEvent<?>> events) {
        List<WharfEvent<?>> registryEvents = events.stream().filter(e -> e.type().isRegistryEvent() || e.type().isStorageEvent()).toList();
        if (registryEvents.isEmpty()) {
            return Uni.createFrom().item(new TreeSet<>());
        }
        Set<String> projects = registryEvents.stream().map(e -> e.data().repository()).filter(Objects::nonNull)
                .map(DeliveryPlanner::projectOf).collect(Collectors.toSet());
        return subscriptions.allFor(projects).chain(candidates -> {
            List<SubscriptionMatcher> matchers = candidates.stream().map(SubscriptionMatcher::new).toList();
            OffsetDateTime now = OffsetDateTime.now();
            List<Planned> planned = new ArrayList<>();
            for (WharfEvent<?> event : registryEvents) {
                String json = null;
                for (SubscriptionMatcher matcher : matchers) {
                    if (matcher.test(event)) {
                        json = json == null ? structuredJson(event) : json;
                        Subscription subscription = matcher.subscription();
                        planned.add(subscription.enabled
                                ? new Planned(event, subscription, json, false, now.plus(firstWait(subscription)), Delivery.State.PENDING, null)
                                : new Planned(event, subscription, json, false, now, Delivery.State.SUPPRESSED,
                                        "subscription disabled: " + subscription.disabledReason));
                    }
                }
            }
            SortedSet<OffsetDateTime> due = planned.stream().filter(p -> p.state() == Delivery.State.PENDING).map(Planned::due)
                    .collect(Collectors.toCollection(TreeSet::new));
            return insert(planned).replaceWith(due);
        });
    }

    /** Records one delivery due after the channel's first wait; 1 when recorded, 0 when it existed. */
    public Uni<Integer> record(WharfEvent<?> event, Subscription subscription, boolean test) {
        return insert(List.of(new Planned(event, subscription, structuredJson(event), test,
                OffsetDateTime.now().plus(firstWait(subscription)), Delivery.State.PENDING, null)));
    }

    /** One delivery to record. */
    private record Planned(WharfEvent<?> event, Subscription subscription, String json, boolean test, OffsetDateTime due,
            Delivery.State state, String error) {
    }

    /**
     * Inserts the deliveries in one statement, in list order (their {@code seq}); returns how many were new.
     * Columns go as text arrays, cast in SQL: the client's array binding knows no timestamps.
     */
    private static Uni<Integer> insert(List<Planned> planned) {
        if (planned.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO delivery (id, event_id, subscription_id, event_type, repository, tag, digest, event, test,
                                      state, next_attempt_at, last_error)
                SELECT CAST(p.id AS UUID), p.event_id, CAST(p.subscription_id AS UUID), p.event_type, p.repository, p.tag,
                       p.digest, p.event, CAST(p.test AS BOOLEAN), p.state, CAST(p.due AS TIMESTAMPTZ), p.error
                FROM unnest(CAST(:ids AS TEXT[]), CAST(:eventIds AS TEXT[]), CAST(:subscriptionIds AS TEXT[]),
                            CAST(:types AS TEXT[]), CAST(:repositories AS TEXT[]), CAST(:tags AS TEXT[]),
                            CAST(:digests AS TEXT[]), CAST(:events AS TEXT[]), CAST(:tests AS TEXT[]), CAST(:dues AS TEXT[]),
                            CAST(:states AS TEXT[]), CAST(:errors AS TEXT[]))
                     WITH ORDINALITY AS p(id, event_id, subscription_id, event_type, repository, tag, digest, event, test, due,
                                          state, error, position)
                ORDER BY p.position
                ON CONFLICT (event_id, subscription_id) DO NOTHING""")
                .setParameter("ids", column(planned, p -> deliveryId(p.event().id(), p.subscription().id)))
                .setParameter("eventIds", column(planned, p -> p.event().id()))
                .setParameter("subscriptionIds", column(planned, p -> p.subscription().id))
                .setParameter("types", column(planned, p -> p.event().type().cloudEventType()))
                .setParameter("repositories", column(planned, p -> p.event().data().repository()))
                .setParameter("tags", column(planned, p -> p.event().data().tag()))
                .setParameter("digests", column(planned, p -> p.event().data().digest()))
                .setParameter("events", column(planned, Planned::json))
                .setParameter("tests", column(planned, Planned::test))
                .setParameter("dues", column(planned, Planned::due))
                .setParameter("states", column(planned, p -> p.state().name()))
                .setParameter("errors", column(planned, Planned::error))
                .executeUpdate());
    }

    /** One column of {@code planned} as text (null stays null), for an array parameter. */
    private static String[] column(List<Planned> planned, Function<Planned, Object> value) {
        return planned.stream().map(value).map(v -> v == null ? null : v.toString()).toArray(String[]::new);
    }

    private static String structuredJson(WharfEvent<?> event) {
        return new String(EventCodec.toStructuredJson(event), StandardCharsets.UTF_8);
    }

    private static String projectOf(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
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
