package io.wharf.registry.audit;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.access.ApiToken;
import io.wharf.events.AuditEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;

/**
 * Writes the audit log ({@code audit_record}). The registry's own entries go in with an
 * {@code audit_outbox} row, which the outbox relay publishes to {@code wharf.audit}: written in the
 * transaction of the change they record ({@link #record(SqlClient, AuditEventData)}), an entry
 * exists exactly when the change committed. Entries of other services, read from
 * {@code wharf.audit}, are stored once by their event id ({@link #store}); the registry's own,
 * read back, change nothing.
 *
 * <p>Writing an entry that is not part of a change ({@link #record(AuditEventData)}: sign-ins,
 * unlocks) never fails the request that caused it: a failure is logged.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    /** The role of a system administrator in entries. */
    public static final String SYSTEM_ADMIN = ApiToken.ADMIN_GROUP;

    /** The CloudEvents {@code source} of the registry's audit entries. */
    public static final URI SOURCE = URI.create("/wharf/registry");

    private static final String INSERT = """
            INSERT INTO audit_record (id, time, service, action, family, outcome, actor, actor_kind, role, address,
                                      request_id, project, subject, summary)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT DO NOTHING""";

    private final Pool pool;

    public AuditLog(Pool pool) {
        this.pool = pool;
    }

    /** Starts an entry of this registry about {@code action}, now, with the current request's id and address. */
    public static AuditEventData.Builder entry(String action) {
        return AuditEventData.builder(AuditEventData.Services.REGISTRY, action,
                        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS))
                .address(RequestOrigin.address())
                .requestId(RequestOrigin.requestId());
    }

    /** Adds the entry and its outbox row to the caller's transaction. */
    public Uni<Void> record(SqlClient db, AuditEventData data) {
        WharfEvent<AuditEventData> event = WharfEvent.create(EventType.AUDIT_RECORDED, SOURCE, data);
        return insert(db, event)
                .chain(() -> db.preparedQuery("INSERT INTO audit_outbox (id, type, subject, occurred_at, data) VALUES ($1, $2, $3, $4, $5)")
                        .execute(Tuple.from(Arrays.asList(UUID.fromString(event.id()), event.type().cloudEventType(), event.subject(),
                                event.time(), new String(EventCodec.dataBytes(event), StandardCharsets.UTF_8)))))
                .replaceWithVoid();
    }

    /** Writes the entry in a transaction of its own; a failure is logged, never passed on. */
    public Uni<Void> record(AuditEventData data) {
        return pool.withTransaction(db -> record(db, data))
                .onFailure().invoke(e -> LOG.errorf("audit entry %s of %s not written: %s", data.action(), data.subject(), e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Stores an entry read from {@code wharf.audit}; false when it was there already. */
    public Uni<Boolean> store(WharfEvent<AuditEventData> event) {
        return insert(pool, event).map(n -> n > 0);
    }

    private static Uni<Integer> insert(SqlClient db, WharfEvent<AuditEventData> event) {
        AuditEventData d = event.data();
        List<Object> values = new ArrayList<>(14);
        values.add(UUID.fromString(event.id()));
        values.add(d.time());
        values.add(d.service());
        values.add(d.action());
        values.add(family(d.action()));
        values.add(d.outcome() == null ? "unknown" : d.outcome().name().toLowerCase(Locale.ROOT));
        values.add(d.actor());
        values.add(d.actorKind() == null ? "unknown" : d.actorKind().name().toLowerCase(Locale.ROOT));
        values.add(d.role());
        values.add(d.address());
        values.add(d.requestId());
        values.add(d.project());
        values.add(d.subject());
        values.add(new JsonObject(new LinkedHashMap<String, Object>(d.summary())));
        return db.preparedQuery(INSERT).execute(Tuple.from(values)).map(rows -> rows.rowCount());
    }

    /** An action's first segment ({@code member} of {@code member.added}), which prefix filters use. */
    static String family(String action) {
        int dot = action.indexOf('.');
        return dot < 0 ? action : action.substring(0, dot);
    }
}
