package io.wharf.notifier.delivery;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Deliveries and their log. */
@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    public Uni<List<Delivery>> byIds(List<UUID> ids) {
        return list("id in ?1 order by seq", ids);
    }

    public Uni<List<Delivery>> ofSubscription(UUID subscriptionId, Delivery.State state, int limit) {
        return (state == null
                ? find("subscriptionId = ?1 order by seq desc", subscriptionId)
                : find("subscriptionId = ?1 and state = ?2 order by seq desc", subscriptionId, state))
                .page(0, limit).list();
    }

    public Uni<List<DeliveryAttempt>> attempts(UUID deliveryId) {
        return getSession().chain(session -> session
                .createSelectionQuery("from DeliveryAttempt where deliveryId = ?1 order by attempt", DeliveryAttempt.class)
                .setParameter(1, deliveryId).getResultList());
    }

    /** Puts dead and suppressed deliveries of the subscription back in the queue, due now; how many. */
    public Uni<Integer> redeliverDead(UUID subscriptionId) {
        return update("state = ?1, retries = 0, nextAttemptAt = current_timestamp, completedAt = null, leaseUntil = null, "
                + "updatedAt = current_timestamp where subscriptionId = ?2 and state in ?3",
                Delivery.State.PENDING, subscriptionId, List.of(Delivery.State.DEAD, Delivery.State.SUPPRESSED));
    }
}
