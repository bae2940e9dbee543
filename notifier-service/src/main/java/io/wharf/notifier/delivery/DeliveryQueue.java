package io.wharf.notifier.delivery;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The persisted schedule: which deliveries are due, and leases so that one attempt at a time
 * holds a delivery (also across notifier instances: {@code FOR UPDATE SKIP LOCKED}). A lease
 * left by a crashed process runs out and the delivery is taken again; a delivery is never lost.
 * The worker leases only what an attempt sends, so such a lease holds up only its own delivery.
 */
@ApplicationScoped
public class DeliveryQueue {

    private final Pool pool;

    public DeliveryQueue(Pool pool) {
        this.pool = pool;
    }

    /**
     * Subscriptions with a due, unleased delivery (disabled ones too, so theirs can be closed), oldest
     * first, but for those in {@code excluded} (being worked already).
     */
    public Uni<List<UUID>> dueSubscriptions(int limit, List<UUID> excluded) {
        return pool.preparedQuery("""
                SELECT d.subscription_id FROM delivery d JOIN subscription s ON s.id = d.subscription_id
                WHERE d.state = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
                  AND (s.paused_until IS NULL OR s.paused_until <= now() OR NOT s.enabled)
                  AND NOT d.subscription_id = ANY($2)
                GROUP BY d.subscription_id ORDER BY min(d.next_attempt_at) LIMIT $1""")
                .execute(Tuple.of(limit, excluded.toArray(UUID[]::new)))
                .map(rows -> rows.stream().map(row -> row.getUUID(0)).toList());
    }

    /** Gives back the leases of pending deliveries (taken again by the next look); returns how many. */
    public Uni<Integer> release(List<UUID> ids) {
        return pool.preparedQuery("UPDATE delivery SET lease_until = NULL WHERE id = ANY($1) AND state = 'PENDING'")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /**
     * Leases the subscription's pending deliveries: the due ones, or with {@code all} every pending
     * one (a coalescing channel sends them together). Returns the leased ids, oldest first.
     */
    public Uni<List<UUID>> lease(UUID subscriptionId, boolean all, int limit, Duration lease) {
        return pool.preparedQuery("""
                UPDATE delivery SET lease_until = now() + $2 * interval '1 millisecond' WHERE id IN (
                  SELECT id FROM delivery WHERE subscription_id = $1 AND state = 'PENDING'
                    AND (lease_until IS NULL OR lease_until < now()) AND ($3 OR next_attempt_at <= now())
                  ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
                RETURNING id""")
                .execute(Tuple.of(subscriptionId, lease.toMillis(), all, limit))
                .map(rows -> rows.stream().map((Row row) -> row.getUUID(0)).toList());
    }
}
