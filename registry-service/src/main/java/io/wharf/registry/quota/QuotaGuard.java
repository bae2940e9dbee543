package io.wharf.registry.quota;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.events.EventType;
import io.wharf.events.StorageEventData;
import io.wharf.registry.config.CacheNotices;
import io.wharf.registry.config.CachedStateChanged;
import io.wharf.registry.config.ProjectCache;
import io.wharf.registry.events.EventRecorder;
import io.wharf.registry.events.OutboxRelay;
import io.wharf.registry.oci.Names;
import io.wharf.registry.service.Caller;

/**
 * Enforces per-project quotas on the push paths, before bytes are stored: an upload's declared
 * length when it starts and its bytes as they arrive ({@link #upload}), a blob about to be linked at
 * the commit or by a mount ({@link #blob}), a manifest about to be stored ({@link #manifest}).
 * A refusal is a {@link QuotaExceededException} ({@code DENIED}) and records {@code quota.exceeded}
 * in a transaction of its own (at most one per project per {@code wharf.quota.exceeded-event-interval}
 * on each instance); a push that takes usage past the warning percent records {@code quota.warning},
 * once per crossing. Deletes are never checked.
 *
 * <p>Cheap when the project has no quota: that is remembered for {@code wharf.quota.cache-ttl}, and
 * the push then runs without any query. With a quota, each check reads the project's limits and its
 * usage (which triggers keep exact, see {@code V14__project_quotas.sql}) in one primary-key query.
 * Concurrent pushes into one project are each checked against what is committed: together they may
 * pass the limit by what they commit at the same moment, never more.
 */
@ApplicationScoped
public class QuotaGuard {
    private static final Logger LOG = Logger.getLogger(QuotaGuard.class);

    /** {@link StorageEventData.Quota#resource()} of storage limits (bytes). */
    public static final String STORAGE = "storage";
    /** {@link StorageEventData.Quota#resource()} of artifact limits (manifests). */
    public static final String ARTIFACTS = "artifacts";

    /** A project's limits and usage; null limits are unlimited. */
    record State(String project, Long storageLimit, Long artifactLimit, boolean warned, long used, long artifacts) {
    }

    private static final String STATE = """
            SELECT q.storage_limit, q.artifact_limit, q.warned,
                   coalesce(u.blob_bytes + u.manifest_bytes, 0) AS used, coalesce(u.artifacts, 0) AS artifacts
            FROM project_quota q LEFT JOIN project_usage u ON u.project = q.project WHERE q.project = $1""";

    private final Pool pool;
    private final EventRecorder events;
    private final OutboxRelay relay;
    private final CacheNotices notices;
    private final int warningPercent;
    /** Projects without a quota (no row, or both limits null). */
    private final ProjectCache<Boolean> unlimited;
    /** Projects whose {@code quota.exceeded} was recorded lately. */
    private final Cache<String, Boolean> recentlyExceeded;

    public QuotaGuard(Pool pool, EventRecorder events, OutboxRelay relay, CacheNotices notices, QuotaConfig config) {
        this.pool = pool;
        this.events = events;
        this.relay = relay;
        this.notices = notices;
        this.warningPercent = config.warningPercent();
        this.unlimited = new ProjectCache<>(config.cacheTtl());
        this.recentlyExceeded = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.exceededEventInterval()).build();
    }

    /**
     * Bytes about to be appended to an upload that holds {@code uploaded} bytes: refused at once when
     * the client's {@code Content-Length} cannot fit, else {@code write} gets the body metered so
     * that it fails at the first buffer that would pass the limit. {@code body} is only asked for
     * when the bytes may come (it may tell the client to send them).
     */
    public <T> Uni<T> upload(String repository, long uploaded, String contentLength, Caller caller,
                             Supplier<ReadStream<Buffer>> body, Function<ReadStream<Buffer>, Uni<T>> write) {
        String project = Names.project(repository);
        return state(project).chain(s -> {
            if (s == null || s.storageLimit() == null) {
                return write.apply(body.get());
            }
            long declared = declaredLength(contentLength);
            if (s.used() + uploaded + declared > s.storageLimit()) {
                return refuse(s, repository, STORAGE, uploaded + declared, caller);
            }
            MeteredBody metered = new MeteredBody(body.get(), s.storageLimit() - s.used() - uploaded,
                    bytes -> exceeded(s, STORAGE, uploaded + bytes));
            return write.apply(metered)
                    .onFailure(QuotaExceededException.class).call(e -> recordExceeded(repository, (QuotaExceededException) e, caller));
        });
    }

    /**
     * A blob of {@code size} bytes about to be linked to the repository ({@code link}): free when the
     * project holds the digest already, refused when it does not fit.
     */
    public <T> Uni<T> blob(String repository, String digest, long size, Caller caller, Supplier<Uni<T>> link) {
        String project = Names.project(repository);
        return state(project).chain(s -> {
            if (s == null || s.storageLimit() == null) {
                return link.get();
            }
            return holds(project, digest).chain(held -> {
                long requested = held ? 0 : size;
                if (requested > 0 && s.used() + requested > s.storageLimit()) {
                    return refuse(s, repository, STORAGE, requested, caller);
                }
                return rearm(s).chain(() -> link.get()).call(() -> afterGrowth(s, repository, caller));
            });
        });
    }

    /**
     * A manifest about to be stored ({@code store}): its bytes and one artifact, unless the repository
     * has it already. Its blobs are counted already: a manifest is only stored when the repository
     * links every blob it names.
     */
    public <T> Uni<T> manifest(String repository, String reference, byte[] body, Caller caller, Supplier<Uni<T>> store) {
        String project = Names.project(repository);
        return state(project).chain(s -> {
            if (s == null) {
                return store.get();
            }
            String digest = Names.isDigest(reference) ? reference : sha256(body);
            return pool.preparedQuery("SELECT 1 FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.name = $1 AND m.digest = $2")
                    .execute(Tuple.of(repository, digest)).chain(rows -> {
                        boolean known = rows.rowCount() > 0;
                        if (!known && s.artifactLimit() != null && s.artifacts() + 1 > s.artifactLimit()) {
                            return refuse(s, repository, ARTIFACTS, 1, caller);
                        }
                        if (!known && s.storageLimit() != null && s.used() + body.length > s.storageLimit()) {
                            return refuse(s, repository, STORAGE, body.length, caller);
                        }
                        return rearm(s).chain(() -> store.get()).call(() -> afterGrowth(s, repository, caller));
                    });
        });
    }

    /**
     * Forgets what this instance knows of the project's quota, and tells the other instances to
     * forget theirs ({@link CacheNotices}): call it once a change to the quota has committed.
     */
    public void changed(String project) {
        forget(project);
        notices.announce(CachedStateChanged.State.QUOTA, project);
    }

    /** Another instance changed a quota, or may have. */
    void changedElsewhere(@Observes CachedStateChanged change) {
        if (change.state() == CachedStateChanged.State.QUOTA) {
            forget(change.key());
        }
    }

    /** Forgets one project's quota state (null: every project's). */
    private void forget(String project) {
        unlimited.forget(project);
        if (project == null) {
            recentlyExceeded.invalidateAll();
        } else {
            recentlyExceeded.invalidate(project);
        }
    }

    /** The project's limits and usage, or null when it has no quota. */
    Uni<State> state(String project) {
        if (unlimited.get(project) != null) {
            return Uni.createFrom().nullItem();
        }
        long before = unlimited.beforeLoad();
        return pool.preparedQuery(STATE).execute(Tuple.of(project)).map(rows -> {
            Row r = rows.iterator().hasNext() ? rows.iterator().next() : null;
            if (r == null || r.getLong("storage_limit") == null && r.getLong("artifact_limit") == null) {
                unlimited.put(project, Boolean.TRUE, before);
                return null;
            }
            return new State(project, r.getLong("storage_limit"), r.getLong("artifact_limit"), r.getBoolean("warned"),
                    r.getLong("used"), r.getLong("artifacts"));
        });
    }

    private Uni<Boolean> holds(String project, String digest) {
        return pool.preparedQuery("""
                        SELECT 1 FROM repository_blob l JOIN repository r ON r.id = l.repository_id
                        WHERE l.digest = $1 AND r.project = $2 LIMIT 1""")
                .execute(Tuple.of(digest, project)).map(rows -> rows.rowCount() > 0);
    }

    private <T> Uni<T> refuse(State s, String repository, String resource, long requested, Caller caller) {
        QuotaExceededException e = exceeded(s, resource, requested);
        return recordExceeded(repository, e, caller).chain(() -> Uni.createFrom().failure(e));
    }

    private static QuotaExceededException exceeded(State s, String resource, long requested) {
        boolean storage = STORAGE.equals(resource);
        long used = storage ? s.used() : s.artifacts();
        long limit = storage ? s.storageLimit() : s.artifactLimit();
        return new QuotaExceededException(s.project(), new StorageEventData.Quota(resource, used, limit, requested, percent(used, limit)));
    }

    /** {@code quota.exceeded}, unless one was recorded for the project lately; never fails the refusal. */
    private Uni<Void> recordExceeded(String repository, QuotaExceededException e, Caller caller) {
        if (recentlyExceeded.asMap().putIfAbsent(e.project(), Boolean.TRUE) != null) {
            return Uni.createFrom().voidItem();
        }
        StorageEventData data = new StorageEventData(e.project(), repository, e.quota(), null, caller.actor(), caller.request());
        return Panache.withTransaction(() -> events.record(EventType.QUOTA_EXCEEDED, data))
                .invoke(relay::wake)
                .onFailure().invoke(f -> LOG.warnf("could not record quota.exceeded of project %s: %s", e.project(), f.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * After a push grew the project: {@code quota.warning} when usage is now at or past the warning
     * percent and was not already (the flag is set in the event's transaction, so one push records
     * it); below it, the flag is cleared for the next crossing.
     */
    private Uni<Void> afterGrowth(State before, String repository, Caller caller) {
        if (before.storageLimit() == null) {
            return Uni.createFrom().voidItem();
        }
        return state(before.project()).chain(s -> {
            if (s == null || s.storageLimit() == null) {
                return Uni.createFrom().voidItem();
            }
            boolean past = percentOf(s.used(), s.storageLimit()) >= warningPercent;
            if (past == s.warned()) {
                return Uni.createFrom().voidItem();
            }
            if (!past) {
                return rearm(s);
            }
            StorageEventData data = new StorageEventData(s.project(), repository, new StorageEventData.Quota(STORAGE, s.used(),
                    s.storageLimit(), 0L, percent(s.used(), s.storageLimit())), null, caller.actor(), caller.request());
            return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                    .createNativeQuery("UPDATE project_quota SET warned = true WHERE project = :project AND NOT warned")
                    .setParameter("project", s.project())
                    .executeUpdate()
                    .chain(n -> n == 1 ? events.record(EventType.QUOTA_WARNING, data).replaceWithVoid() : Uni.createFrom().voidItem())))
                    .invoke(relay::wake);
        }).onFailure().invoke(f -> LOG.warnf("could not check the quota warning of project %s: %s", before.project(), f.toString()))
                .onFailure().recoverWithNull();
    }

    /** Clears the warning flag when usage went back below the warning percent (deletes), so the next crossing warns again. */
    private Uni<Void> rearm(State s) {
        if (!s.warned() || s.storageLimit() == null || percentOf(s.used(), s.storageLimit()) >= warningPercent) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE project_quota SET warned = false WHERE project = $1 AND warned")
                .execute(Tuple.of(s.project())).replaceWithVoid();
    }

    /** {@code used} in percent of {@code limit}, rounded down (100 for anything used of a zero limit). */
    static int percent(long used, long limit) {
        return (int) Math.min(Integer.MAX_VALUE, percentOf(used, limit));
    }

    private static long percentOf(long used, long limit) {
        if (limit <= 0) {
            return used > 0 ? 100 : 0;
        }
        return (long) Math.floor(used * 100.0 / limit);
    }

    /** The request's Content-Length when it declares one, else 0 (a streamed body is metered as it comes). */
    private static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(contentLength.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String sha256(byte[] body) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
