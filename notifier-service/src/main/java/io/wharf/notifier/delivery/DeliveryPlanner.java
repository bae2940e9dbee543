package io.wharf.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.NotificationChannel;
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
    /** Channels that send a delivery on its own, the moment it is due (not coalescing into summaries). */
    private final Set<ChannelKind> oneByOne;

    public DeliveryPlanner(SubscriptionRepository subscriptions, NotifierConfig config, Instance<NotificationChannel> channels) {
        this.subscriptions = subscriptions;
        this.config = config;
        this.oneByOne = channels.stream().filter(c -> !c.coalesces()).map(NotificationChannel::kind).collect(Collectors.toSet());
    }

    /**
     * What a transaction queued: when the deliveries left to the worker's queue come due (empty when none), and
     * those already leased to this instance to be sent the moment the transaction has committed.
     */
    public record Queued(SortedSet<OffsetDateTime> due, List<HandOff> handOffs) {
        static final Queued NOTHING = new Queued(new TreeSet<>(), List.of());
    }

    /**
     * A delivery leased in the transaction that recorded it, for its subscription (as read in that transaction):
     * the worker sends it without looking for it, leasing it or reading it back (see {@link DeliveryWorker#handOff}).
     */
    public record HandOff(Subscription subscription, Delivery delivery) {
    }

    /**
     * Plans the deliveries of the registry events among {@code events}, in their order, with one query for
     * the subscriptions and one insert; returns what was queued, so that the worker can be woken when it comes
     * due. Runs in the caller's transaction. An event a disabled subscription matches is recorded as
     * {@link Delivery.State#SUPPRESSED}: shown in its delivery log, not sent, and sent when redelivered.
     *
     * <p>A delivery due at once to a channel that sends one by one, whose subscription is not paused and has no
     * other pending delivery, is recorded already leased and handed off: sent right after the commit, with no
     * query between the commit and the request (under load each one was a wait for the database and the event
     * loop). Only the first such delivery of a subscription in the batch: the others queue behind it, in order.
     * Should the process die before the send, the delivery is sent once its lease has run out.
     */
    public Uni<Queued> plan(List<WharfEvent<?>> events) {
        List<WharfEvent<?>> registryEvents = events.stream().filter(e -> e.type().isRegistryEvent() || e.type().isStorageEvent()).toList();
        if (registryEvents.isEmpty()) {
            return Uni.createFrom().item(Queued.NOTHING);
        }
        Set<String> projects = registryEvents.stream().map(e -> e.data().repository()).filter(Objects::nonNull)
                .map(DeliveryPlanner::projectOf).collect(Collectors.toSet());
        return subscriptions.allFor(projects).chain(candidates -> {
            List<SubscriptionMatcher> matchers = candidates.stream().map(SubscriptionMatcher::new).toList();
            OffsetDateTime now = OffsetDateTime.now();
            List<Planned> planned = new ArrayList<>();
            Set<UUID> handingOff = new HashSet<>();
            for (WharfEvent<?> event : registryEvents) {
                String json = null;
                for (SubscriptionMatcher matcher : matchers) {
                    if (matcher.test(event)) {
                        json = json == null ? structuredJson(event) : json;
                        Subscription subscription = matcher.subscription();
                        planned.add(subscription.enabled
                                ? new Planned(event, subscription, json, false, now.plus(firstWait(subscription)), Delivery.State.PENDING,
                                        null, sendsAtOnce(subscription, now) && handingOff.add(subscription.id))
                                : new Planned(event, subscription, json, false, now, Delivery.State.SUPPRESSED,
                                        "subscription disabled: " + subscription.disabledReason, false));
                    }
                }
            }
            return insert(planned).map(inserted -> {
                List<HandOff> handOffs = new ArrayList<>();
                SortedSet<OffsetDateTime> due = new TreeSet<>();
                for (Planned p : planned) {
                    UUID id = deliveryId(p.event().id(), p.subscription().id);
                    if (Boolean.TRUE.equals(inserted.get(id))) {
                        handOffs.add(new HandOff(p.subscription(), p.asDelivery(id)));
                    } else if (p.state() == Delivery.State.PENDING) {
                        due.add(p.due());
                    }
                }
                return new Queued(due, handOffs);
            });
        });
    }

    /** Whether a delivery to {@code subscription} planned {@code now} may be handed off: due at once, sent alone, not paused. */
    private boolean sendsAtOnce(Subscription subscription, OffsetDateTime now) {
        return oneByOne.contains(subscription.channel) && firstWait(subscription).isZero()
                && (subscription.pausedUntil == null || !subscription.pausedUntil.isAfter(now));
    }

    /** Records one delivery due after the channel's first wait (never handed off); 1 when recorded, 0 when it existed. */
    public Uni<Integer> record(WharfEvent<?> event, Subscription subscription, boolean test) {
        return insert(List.of(new Planned(event, subscription, structuredJson(event), test,
                OffsetDateTime.now().plus(firstWait(subscription)), Delivery.State.PENDING, null, false)))
                .map(Map::size);
    }

    /** One delivery to record; {@code handOff}: leased at once when its subscription has no other pending delivery. */
    private record Planned(WharfEvent<?> event, Subscription subscription, String json, boolean test, OffsetDateTime due,
            Delivery.State state, String error, boolean handOff) {

        /** The delivery as recorded, with what an attempt reads of it. */
        Delivery asDelivery(UUID id) {
            Delivery delivery = new Delivery();
            delivery.id = id;
            delivery.eventId = event.id();
            delivery.subscriptionId = subscription.id;
            delivery.event = json;
            delivery.test = test;
            delivery.state = state;
            return delivery;
        }
    }

    /**
     * Inserts the deliveries in one statement, in list order (their {@code seq}); returns the new ones' ids, each
     * with whether it was leased (handed off). Columns go as text arrays, cast in SQL: the client's array binding
     * knows no timestamps. A hand-off is leased only when its subscription has no pending delivery yet (the
     * statement sees none of its own rows, hence one hand-off per subscription and batch).
     */
    private Uni<Map<UUID, Boolean>> insert(List<Planned> planned) {
        if (planned.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO delivery (id, event_id, subscription_id, event_type, repository, tag, digest, event, test,
                                      state, next_attempt_at, last_error, lease_until)
                SELECT CAST(p.id AS UUID), p.event_id, CAST(p.subscription_id AS UUID), p.event_type, p.repository, p.tag,
                       p.digest, p.event, CAST(p.test AS BOOLEAN), p.state, CAST(p.due AS TIMESTAMPTZ), p.error,
                       CASE WHEN CAST(p.hand_off AS BOOLEAN) AND NOT EXISTS (SELECT 1 FROM delivery o
                               WHERE o.subscription_id = CAST(p.subscription_id AS UUID) AND o.state = 'PENDING')
                            THEN now() + :lease * interval '1 millisecond' END
                FROM unnest(CAST(:ids AS TEXT[]), CAST(:eventIds AS TEXT[]), CAST(:subscriptionIds AS TEXT[]),
                            CAST(:types AS TEXT[]), CAST(:repositories AS TEXT[]), CAST(:tags AS TEXT[]),
                            CAST(:digests AS TEXT[]), CAST(:events AS TEXT[]), CAST(:tests AS TEXT[]), CAST(:dues AS TEXT[]),
                            CAST(:states AS TEXT[]), CAST(:errors AS TEXT[]), CAST(:handOffs AS TEXT[]))
                     WITH ORDINALITY AS p(id, event_id, subscription_id, event_type, repository, tag, digest, event, test, due,
                                          state, error, hand_off, position)
                ORDER BY p.position
                ON CONFLICT (event_id, subscription_id) DO NOTHING
                RETURNING id, lease_until IS NOT NULL""", Object[].class)
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
                .setParameter("handOffs", column(planned, Planned::handOff))
                .setParameter("lease", config.delivery().lease().toMillis())
                .getResultList()
                .map(rows -> {
                    Map<UUID, Boolean> inserted = new HashMap<>();
                    for (Object[] row : rows) {
                        inserted.put(row[0] instanceof UUID id ? id : UUID.fromString(row[0].toString()), Boolean.TRUE.equals(row[1]));
                    }
                    return inserted;
                }));
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
