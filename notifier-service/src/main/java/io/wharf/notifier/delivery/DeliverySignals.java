package io.wharf.notifier.delivery;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.wharf.pg.PgChannels;

/**
 * Wakes the delivery workers of every notifier instance when deliveries are queued, instead of
 * leaving them to the next poll: this instance's at once, the others through PostgreSQL
 * ({@code NOTIFY wharf_notifier_deliveries}; they all share the database). An instance that
 * (re)connects its listener looks for due work, since it may have missed signals; polling remains
 * as the safety net ({@code wharf.notifier.delivery.poll-interval}).
 */
@ApplicationScoped
public class DeliverySignals {

    /** The PostgreSQL channel queued deliveries are announced on. */
    public static final String CHANNEL = "wharf_notifier_deliveries";

    private final String instance = UUID.randomUUID().toString();
    private final DeliveryWorker worker;
    private final PgChannels channels;
    private PgSubscriber subscriber;

    public DeliverySignals(DeliveryWorker worker, PgChannels channels) {
        this.worker = worker;
        this.channels = channels;
    }

    void listen(@Observes StartupEvent start) {
        subscriber = channels.listen(CHANNEL, from -> {
            if (!instance.equals(from)) {
                worker.wake();
            }
        }, worker::wake, "queued deliveries");
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * Deliveries were committed: those handed off are sent now; for the others, due at {@code queued.due()}, this
     * instance's worker is woken then and the other instances are told now (those due later are also found by
     * their polls).
     */
    public void queued(DeliveryPlanner.Queued queued) {
        queued.handOffs().forEach(worker::handOff);
        if (queued.due().isEmpty()) {
            return;
        }
        queued.due().forEach(worker::wakeAt);
        announce();
    }

    /** Deliveries were put back in the queue, due now (redelivery, test delivery). */
    public void queuedNow() {
        worker.wake();
        announce();
    }

    private void announce() {
        channels.send(CHANNEL, instance, "queued deliveries (other instances' workers find them by polling)");
    }
}
