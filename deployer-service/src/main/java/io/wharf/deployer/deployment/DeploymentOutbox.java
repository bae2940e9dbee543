package io.wharf.deployer.deployment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;


import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wharf.deployer.rule.DeployRule;
import io.wharf.deployer.rule.Targets;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;
import io.wharf.intake.OutboxDrain;

/**
 * {@code deployment.*} events, at least once: {@link #record} writes the event in the transaction that
 * changes the deployment; {@link #relay} publishes unpublished rows and marks them, right after that
 * transaction and on a timer (a crash or a Kafka outage in between is made good later). Event ids are
 * derived from (deployment, type), so a republished event is the same event.
 */
@ApplicationScoped
public class DeploymentOutbox {
    static final URI SOURCE = URI.create("/wharf/deployer");

    private final DeploymentPublisher publisher;
    private final Targets targets;
    private final OutboxDrain outbox;

    public DeploymentOutbox(DeploymentPublisher publisher, Targets targets) {
        this.publisher = publisher;
        this.targets = targets;
        this.outbox = new OutboxDrain("deployment_outbox", "repository, event", "deployment events",
                row -> publisher.publish((String) row[1], EventCodec.fromStructuredJson((String) row[2])));
    }

    /** One {@code deployment.*} event to write: {@code type} about {@code deployment} of {@code rule}. */
    public record Outcome(EventType type, Deployment deployment, DeployRule rule, String message) {
    }

    /** Writes {@code type} about {@code d} into the outbox, in the caller's transaction. */
    public Uni<Void> record(EventType type, Deployment d, DeployRule rule, String message) {
        return recordAll(List.of(new Outcome(type, d, rule, message)));
    }

    /** Writes the events into the outbox in this order, in the caller's transaction; one statement. */
    public Uni<Void> recordAll(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<WharfEvent<DeploymentEventData>> events = outcomes.stream()
                .map(o -> event(o.type(), o.deployment(), o.rule(), o.message())).toList();
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO deployment_outbox (id, repository, event)
                SELECT CAST(e.id AS UUID), e.repository, e.event
                FROM unnest(CAST(:ids AS TEXT[]), CAST(:repositories AS TEXT[]), CAST(:events AS TEXT[])) WITH ORDINALITY
                    AS e(id, repository, event, n)
                ORDER BY e.n
                ON CONFLICT DO NOTHING""")
                .setParameter("ids", events.stream().map(WharfEvent::id).toArray(String[]::new))
                .setParameter("repositories", outcomes.stream().map(o -> o.deployment().repository).toArray(String[]::new))
                .setParameter("events", events.stream()
                        .map(e -> new String(EventCodec.toStructuredJson(e), StandardCharsets.UTF_8)).toArray(String[]::new))
                .executeUpdate()).replaceWithVoid();
    }

    private WharfEvent<DeploymentEventData> event(EventType type, Deployment d, DeployRule rule, String message) {
        DeploymentEventData.TargetKind kind = switch (rule.targetKind) {
            case "kubernetes" -> DeploymentEventData.TargetKind.KUBERNETES;
            case "docker" -> DeploymentEventData.TargetKind.DOCKER;
            case "http" -> DeploymentEventData.TargetKind.HTTP;
            default -> null;
        };
        boolean rolledBack = type == EventType.DEPLOYMENT_ROLLEDBACK;
        DeploymentEventData data = DeploymentEventData.builder()
                .eventId(d.eventId)
                .ruleId(rule.id.toString())
                .deploymentId(d.id.toString())
                .target(new DeploymentEventData.DeployTarget(kind, targets.describe(rule.targetKind, rule.workload), null, null))
                .repository(d.repository)
                .tag(d.tag)
                .digest(d.digest)
                .previousDigest(d.fromDigest)
                .image(rolledBack ? d.fromImage : d.image)
                .message(message)
                .build();
        String id = UUID.nameUUIDFromBytes((d.id + "|" + type.suffix()).getBytes(StandardCharsets.UTF_8)).toString();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        return new WharfEvent<>(id, type, SOURCE, d.tag != null ? d.tag : d.digest, now, data);
    }

    /** Publishes every unpublished event, oldest first; one relay runs at a time, a call during it runs it again. */
    public Uni<Void> relay() {
        return outbox.drain();
    }

    @Scheduled(every = "${wharf.deployer.sweep-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return relay();
    }
}
