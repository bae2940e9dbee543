package io.wharf.intake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.http.HttpServerRequest;
import io.wharf.access.Access;
import io.wharf.access.ApiToken;
import io.wharf.events.AuditEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;

/**
 * A consuming service's audit entries ({@code audit.recorded} on {@code wharf.audit}, service
 * {@code wharf.intake.service-name}: the notifier's and the deployer's changes through their APIs),
 * at least once: {@link #record} writes an entry in the transaction of the change it records, so a change
 * rolled back leaves none; {@link #refused} writes a refusal in a transaction of its own (the refused
 * change's rolled back); {@link #relay} publishes unwritten entries and marks them, after each write and
 * on a timer. What an entry says comes from {@link #entry}: who (the caller's user name and role), from
 * where (the connection's address; a proxy in front is trusted only as {@code quarkus.http.proxy.*}
 * says), through which request ({@code X-Request-Id}, else a new id), and a summary the contract redacts.
 */
@ApplicationScoped
public class AuditTrail {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final int MAX_REQUEST_ID = 128;

    private final MutinyEmitter<byte[]> audit;
    private final HttpServerRequest request;
    private final String service;
    private final URI source;
    private final OutboxDrain outbox = new OutboxDrain("audit_outbox", "event", "audit entries",
            row -> publish(EventCodec.fromStructuredJson((String) row[1])));

    public AuditTrail(@Channel("audit") MutinyEmitter<byte[]> audit, HttpServerRequest request, IntakeConfig config) {
        this.audit = audit;
        this.request = request;
        this.service = config.serviceName();
        this.source = URI.create("/wharf/" + service);
    }

    /**
     * An entry about {@code action} by the current caller, in {@code project} (null: global), on
     * {@code subject}; the caller adds the summary. Call it while the request is being served.
     */
    public AuditEventData.Builder entry(Access access, String action, String project, String subject) {
        String user = access.user();
        String requestId = request.getHeader("X-Request-Id");
        if (requestId == null || requestId.isBlank() || requestId.length() > MAX_REQUEST_ID) {
            requestId = UUID.randomUUID().toString();
        }
        return AuditEventData.builder(service, action,
                        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS))
                .actor(user == null ? AuditEventData.ActorKind.ANONYMOUS
                        : user.startsWith("robot$") ? AuditEventData.ActorKind.ROBOT : AuditEventData.ActorKind.USER, user)
                .role(access.isSystemAdmin() ? ApiToken.ADMIN_GROUP : access.roleIn(project).map(r -> r.wireName()).orElse(null))
                .address(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress())
                .requestId(requestId)
                .project(project)
                .subject(subject);
    }

    /** Writes the entry into the outbox, in the caller's transaction; {@link #relay} publishes it after the commit. */
    public Uni<Void> record(AuditEventData.Builder entry) {
        WharfEvent<AuditEventData> event = WharfEvent.create(EventType.AUDIT_RECORDED, source, entry.build());
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO audit_outbox (id, event) VALUES (:id, :event)")
                .setParameter("id", UUID.fromString(event.id()))
                .setParameter("event", new String(EventCodec.toStructuredJson(event), StandardCharsets.UTF_8))
                .executeUpdate()).replaceWithVoid();
    }

    /**
     * Records a refused action in a transaction of its own and publishes it; a failure to record (or to
     * build the entry) is logged, never thrown, so the caller still gets the refusal.
     */
    public Uni<Void> refused(Supplier<AuditEventData.Builder> entry) {
        return Panache.withTransaction(() -> record(entry.get().outcome(AuditEventData.Outcome.REFUSED)))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("refusal not recorded in the audit log (%s)", failure.getMessage());
                    return null;
                })
                .call(this::relay);
    }

    /** Publishes every unpublished entry, oldest first; one relay runs at a time, a call during it runs it again. Never fails. */
    public Uni<Void> relay() {
        return outbox.drain();
    }

    /** Sends one entry, keyed by its project (or {@code -}), in CloudEvents binary mode; fails when Kafka did not take it. */
    private Uni<Void> publish(WharfEvent<?> event) {
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(event);
        return audit.sendMessage(Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(record.headers())
                .build()));
    }

    @Scheduled(every = "${wharf.intake.audit-sweep-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return relay();
    }
}
