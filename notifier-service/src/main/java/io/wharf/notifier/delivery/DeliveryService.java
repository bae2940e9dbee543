package io.wharf.notifier.delivery;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.access.Access;
import io.wharf.reference.Glob;
import io.wharf.events.AuditEventData;
import io.wharf.intake.AuditTrail;
import io.wharf.notifier.subscription.Subscription;
import io.wharf.notifier.subscription.SubscriptionException;
import io.wharf.notifier.subscription.SubscriptionService;

/**
 * A subscription's delivery log: reading it, test deliveries and redelivery, under the access rules
 * of its subscription ({@link SubscriptionService#readable}, {@link SubscriptionService#manageable}).
 */
@ApplicationScoped
public class DeliveryService {

    private static final URI TEST_SOURCE = URI.create("/wharf/notifier/test");

    private final SubscriptionService subscriptions;
    private final DeliveryRepository deliveries;
    private final DeliveryPlanner planner;

    private final AuditTrail audit;
    private final DeliverySignals signals;

    public DeliveryService(SubscriptionService subscriptions, DeliveryRepository deliveries, DeliveryPlanner planner,
            AuditTrail audit, DeliverySignals signals) {
        this.signals = signals;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.planner = planner;
        this.audit = audit;
    }

    /** Queues a made-up {@code artifact.pushed} for the subscription alone; returns its delivery. */
    public Uni<DeliveryView> sendTest(Access access, UUID id) {
        return Panache.withTransaction(() -> subscriptions.manageable(access, id).chain(s -> {
            String project = s.project == null ? "library" : s.project;
            String repository = s.scope == Subscription.Scope.REPOSITORY && !Glob.hasWildcard(s.repositoryGlob)
                    ? s.repositoryGlob : project + "/wharf-test";
            WharfEvent<RegistryEventData> event = WharfEvent.create(EventType.ARTIFACT_PUSHED, TEST_SOURCE,
                    RegistryEventData.builder(repository, "sha256:" + "0".repeat(64)).tag("test").project(project)
                            .mediaType("application/vnd.oci.image.manifest.v1+json")
                            .actor(RegistryEventData.Actor.user(access.user())).build());
            UUID deliveryId = DeliveryPlanner.deliveryId(event.id(), s.id);
            return planner.record(event, s, true).chain(() -> deliveries.findById(deliveryId));
        })).invoke(() -> signals.queuedNow()).map(d -> DeliveryView.of(d, null));
    }

    public Uni<List<DeliveryView>> deliveries(Access access, UUID id, Delivery.State state, int limit) {
        return Panache.withSession(() -> subscriptions.readable(access, id)
                .chain(s -> deliveries.ofSubscription(id, state, Math.min(Math.max(limit, 1), 500))))
                .map(list -> list.stream().map(d -> DeliveryView.of(d, null)).toList());
    }

    public Uni<DeliveryView> delivery(Access access, UUID deliveryId) {
        return Panache.withSession(() -> existingDelivery(deliveryId)
                .call(d -> subscriptions.readable(access, d.subscriptionId))
                .chain(d -> deliveries.attempts(d.id).map(attempts -> DeliveryView.of(d, attempts))));
    }

    /** Puts one delivery back in the queue, due now (delivered and suppressed ones too: a deliberate resend); the audit log says who asked. */
    public Uni<DeliveryView> redeliver(Access access, UUID deliveryId) {
        return Panache.withTransaction(() -> existingDelivery(deliveryId)
                .call(d -> subscriptions.manageable(access, d.subscriptionId)
                        .chain(s -> audit.record(audit.entry(access, AuditEventData.Actions.DELIVERY_REDELIVERY_REQUESTED, s.project,
                                deliveryId.toString()).summary("subscription", s.id).summary("state", d.state))))
                .map(d -> {
                    if (d.state != Delivery.State.PENDING) {
                        d.state = Delivery.State.PENDING;
                        d.retries = 0;
                        d.completedAt = null;
                        d.nextAttemptAt = OffsetDateTime.now();
                        d.leaseUntil = null;
                        d.updatedAt = OffsetDateTime.now();
                    }
                    return DeliveryView.of(d, (List<DeliveryAttempt>) null);
                }))
                .invoke(() -> signals.queuedNow())
                .call(audit::relay)
                .onFailure(SubscriptionService::isRefusal)
                .call(e -> subscriptions.refused(access, AuditEventData.Actions.DELIVERY_REDELIVERY_REQUESTED, e, deliveryId));
    }

    /** Puts every dead or suppressed delivery of the subscription back in the queue; how many. The audit log says who asked. */
    public Uni<Integer> redeliverDead(Access access, UUID id) {
        return Panache.withTransaction(() -> subscriptions.manageable(access, id).chain(s -> deliveries.redeliverDead(id)
                        .call(count -> audit.record(audit.entry(access, AuditEventData.Actions.SUBSCRIPTION_REDELIVERY_REQUESTED, s.project,
                                id.toString()).summary("name", s.name).summary("redelivered", count)))))
                .invoke(() -> signals.queuedNow())
                .call(audit::relay)
                .onFailure(SubscriptionService::isRefusal)
                .call(e -> subscriptions.refused(access, AuditEventData.Actions.SUBSCRIPTION_REDELIVERY_REQUESTED, e, id));
    }

    private Uni<Delivery> existingDelivery(UUID id) {
        return deliveries.findById(id).onItem().ifNull()
                .failWith(() -> SubscriptionException.notFound("no delivery " + id));
    }
}
