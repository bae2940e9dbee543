package io.wharf.registry.events;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.config.RegistryConfig;

/**
 * Deletes published events older than {@code wharf.registry.events.retention}, never an unpublished
 * one, and pipeline outcomes received longer ago than that.
 */
@ApplicationScoped
public class EventRetention {
    private static final Logger LOG = Logger.getLogger(EventRetention.class);

    private final RegistryConfig config;

    public EventRetention(RegistryConfig config) {
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return expire().replaceWithVoid();
    }

    /** Returns how many events were deleted. */
    @WithTransaction
    public Uni<Integer> expire() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.events().retention());
        return Panache.getSession().chain(session -> session
                .createNativeQuery("DELETE FROM registry_event WHERE published_at IS NOT NULL AND occurred_at < :cutoff")
                .setParameter("cutoff", cutoff)
                .executeUpdate()
                .call(() -> session.createNativeQuery("DELETE FROM pipeline_event WHERE received_at < :cutoff")
                        .setParameter("cutoff", cutoff)
                        .executeUpdate()))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("deleted %d events older than %s", n, config.events().retention());
                    }
                });
    }
}
