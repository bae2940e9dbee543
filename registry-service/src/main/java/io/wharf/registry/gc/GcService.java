package io.wharf.registry.gc;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.StorageEventData;
import io.wharf.registry.events.EventRecorder;
import io.wharf.registry.events.OutboxRelay;
import io.wharf.registry.identity.AuditTrail;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.identity.RequestRefused;

/**
 * Garbage-collection runs: scheduled ({@code wharf.gc.schedule}) and on demand (system
 * administrators), one at a time across all instances, stoppable from any instance, with their
 * history in {@code gc_run}.
 *
 * <p>One at a time: the instance that runs holds a PostgreSQL session advisory lock on a connection of
 * its own for the run's whole length; a start that cannot take it is refused (409, or a skipped
 * schedule). If that instance dies, its connection and so the lock go, and the next run marks the
 * orphaned {@code running} row {@code failed}. A stop sets {@code stop_requested} on the row; the run
 * looks at it between batches. A run deletes the untagged manifests projects let go ({@link BeforeMark}),
 * prunes stale links ({@link GarbageCollector#pruneBatch}), then marks and sweeps blobs. A dry run only
 * reads ({@link GarbageCollector#wouldPrune}, {@link GarbageCollector#wouldFree}); every run,
 * dry or not, ends with its row updated and {@code gc.completed} recorded in the same transaction.
 */
@ApplicationScoped
public class GcService {
    private static final Logger LOG = Logger.getLogger(GcService.class);

    /** The advisory lock key of GC runs ("wharf_gc"). */
    static final long RUN_LOCK = 0x7768617266_6763L;

    public static final String SCHEDULE = "schedule";
    public static final String MANUAL = "manual";

    /** Most runs one page of the history holds. */
    public static final int MAX_PAGE = 100;

    private final Pool pool;
    private final GarbageCollector collector;
    private final GcConfig config;
    private final CallerAccess access;
    private final AuditTrail audit;
    private final EventRecorder events;
    private final OutboxRelay relay;
    private final Instance<BeforeMark> untagged;
    private final MeterRegistry metrics;
    private final Vertx vertx;

    public GcService(Pool pool, GarbageCollector collector, GcConfig config, CallerAccess access, AuditTrail audit, EventRecorder events,
            OutboxRelay relay, Instance<BeforeMark> untagged, MeterRegistry metrics, Vertx vertx) {
        this.vertx = vertx;
        this.pool = pool;
        this.collector = collector;
        this.config = config;
        this.access = access;
        this.audit = audit;
        this.events = events;
        this.relay = relay;
        this.untagged = untagged;
        this.metrics = metrics;
    }

    /** A run as the API shows it. */
    public record GcRunView(String id, String trigger, boolean dryRun, String status, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                            long blobsDeleted, long bytesFreed, long manifestsDeleted, long linksPruned, String requestedBy, boolean stopRequested,
                            String error) {
    }

    /** A page of runs, newest first; {@code next} is the cursor of the following page, null on the last. */
    public record GcRunPage(List<GcRunView> runs, String next) {
    }

    private static final String COLUMNS = """
            id, trigger, dry_run, status, started_at, finished_at, blobs_deleted, bytes_freed, manifests_deleted, links_pruned, requested_by,
            stop_requested, error""";

    // ------------------------------------------------------------------ starting

    /**
     * Starts a run on demand (system administrators only) and returns it while it runs; refused
     * {@code CONFLICT} while another run is in progress anywhere.
     */
    public Uni<GcRunView> startManual(boolean dryRun) {
        String by = access.admin().name();
        return audit.byCaller(Actions.GC_RAN, null)
                .chain(entry -> begin(MANUAL, dryRun, by, entry))
                .invoke(this::inBackground)
                .map(Started::run);
    }

    /** Warns when the grace is shorter than an upload may stay open (allowed: tests set it to 0). */
    void checkGrace(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start, io.wharf.registry.config.RegistryConfig registry) {
        if (config.grace().compareTo(registry.storage().uploadMaxAge()) < 0) {
            LOG.warnf("wharf.gc.grace (%s) is shorter than wharf.registry.storage.upload-max-age (%s): keep it at least as long in production",
                    config.grace(), registry.storage().uploadMaxAge());
        }
    }

    /** Runs the collection after the request that started it: on a context of its own, where Hibernate Reactive may open sessions. */
    private void inBackground(Started started) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(v -> started.execution().subscribe().with(done -> { },
                failure -> LOG.errorf("garbage collection %s: %s", started.run().id(), failure.toString())));
    }

    @Scheduled(cron = "${wharf.gc.schedule}", identity = "wharf-gc", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return begin(SCHEDULE, false, null, null)
                .chain(Started::execution)
                .onFailure(RequestRefused.class).invoke(e -> LOG.infof("scheduled garbage collection skipped: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Runs a whole collection now on this thread's context and returns it once it ended (tests, benchmarks). */
    public Uni<GcRunView> runNow(String trigger, boolean dryRun) {
        return begin(trigger, dryRun, null, null).chain(started -> started.execution().chain(() -> run(started.run().id())));
    }

    private record Started(GcRunView run, Uni<Void> execution) {
    }

    private Uni<Started> begin(String trigger, boolean dryRun, String requestedBy, AuditEventData.Builder entry) {
        return pool.getConnection().chain(lock -> lock.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(RUN_LOCK))
                .map(rows -> rows.iterator().next().getBoolean(0))
                .chain(locked -> {
                    if (!locked) {
                        return lock.close().chain(() -> Uni.createFrom().failure(
                                RequestRefused.conflict("a garbage collection is already running")));
                    }
                    UUID id = UUID.randomUUID();
                    return pool.withTransaction(db -> db.preparedQuery("""
                                    UPDATE gc_run SET status = 'failed', finished_at = now(), error = 'the instance running it stopped'
                                    WHERE status = 'running'""").execute()
                            .chain(() -> db.preparedQuery("INSERT INTO gc_run (id, trigger, dry_run, status, requested_by) "
                                            + "VALUES ($1, $2, $3, 'running', $4) RETURNING " + COLUMNS)
                                    .execute(Tuple.of(id, trigger, dryRun, requestedBy)))
                            .map(rows -> view(rows.iterator().next()))
                            .call(run -> entry == null ? Uni.createFrom().voidItem()
                                    : audit.record(db, entry.subject("gc/" + run.id()).summary("dryRun", Boolean.toString(dryRun)))))
                            .onFailure().call(() -> release(lock))
                            .map(run -> new Started(run, execute(run, lock)));
                }));
    }

    private static Uni<Void> release(SqlConnection lock) {
        return lock.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(RUN_LOCK))
                .onFailure().recoverWithNull()
                .chain(() -> lock.close());
    }

    // ------------------------------------------------------------------ running

    /** What a run did so far (kept when it fails midway). */
    private static final class Progress {
        final AtomicLong blobs = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong manifests = new AtomicLong();
        final AtomicLong links = new AtomicLong();
        volatile boolean stopped;

        void add(GarbageCollector.Freed freed) {
            blobs.addAndGet(freed.blobs());
            bytes.addAndGet(freed.bytes());
        }
    }

    private Uni<Void> execute(GcRunView run, SqlConnection lock) {
        Progress progress = new Progress();
        Uni<Void> work = run.dryRun() ? dryRun(progress) : collect(run.id(), progress);
        return work
                .onItemOrFailure().transformToUni((ok, failure) -> finish(run, progress, failure))
                .eventually(() -> release(lock));
    }

    private Uni<Void> dryRun(Progress progress) {
        return cleanupUntagged(true, progress, () -> Uni.createFrom().item(false))
                .chain(() -> collector.wouldPrune(config.effectiveLinkGrace()))
                .invoke(progress.links::set)
                .chain(() -> collector.wouldFree(config.grace(), config.effectiveLinkGrace()))
                .invoke(progress::add)
                .replaceWithVoid();
    }

    private Uni<Void> collect(String runId, Progress progress) {
        Supplier<Uni<Boolean>> stop = () -> stopRequested(runId);
        int batch = Math.max(1, config.batchSize());
        return cleanupUntagged(false, progress, stop)
                .chain(() -> stop.get()).invoke(stopNow -> progress.stopped = stopNow)
                // A crashed run's deletes first: those blobs are unreachable already.
                .chain(() -> repeat(progress, stop, () -> collector.finishDeleting(batch).map(freed -> {
                    progress.add(freed);
                    return freed.blobs() > 0;
                })))
                .chain(() -> progress.stopped ? Uni.createFrom().voidItem() : prune(progress, stop, GarbageCollector.LinkKey.FIRST, batch))
                .chain(() -> progress.stopped ? Uni.createFrom().voidItem() : collector.mark(config.grace())
                        .chain(() -> stop.get()).invoke(stopNow -> progress.stopped = stopNow).replaceWithVoid())
                .chain(() -> progress.stopped ? Uni.createFrom().voidItem() : repeat(progress, stop, () -> collector.sweepBatch(batch).map(sweep -> {
                    progress.add(sweep.freed());
                    return sweep.lookedAtAny();
                })));
    }

    /** Prunes stale links batch after batch, in key order, looking for a stop between batches. */
    private Uni<Void> prune(Progress progress, Supplier<Uni<Boolean>> stop, GarbageCollector.LinkKey after, int batch) {
        return collector.pruneBatch(config.effectiveLinkGrace(), after, batch).chain(pruned -> {
            progress.links.addAndGet(pruned.links());
            if (pruned.next() == null) {
                return Uni.createFrom().voidItem();
            }
            return stop.get().chain(stopNow -> {
                progress.stopped = stopNow;
                return stopNow ? Uni.createFrom().voidItem() : prune(progress, stop, pruned.next(), batch);
            });
        });
    }

    private Uni<Void> cleanupUntagged(boolean dryRun, Progress progress, Supplier<Uni<Boolean>> stop) {
        if (!untagged.isResolvable() || progress.stopped) {
            return Uni.createFrom().voidItem();
        }
        return untagged.get().run(dryRun, stop).invoke(n -> progress.manifests.addAndGet(n == null ? 0 : n)).replaceWithVoid();
    }

    /** Runs {@code step} while it says there is more, looking for a stop between steps. */
    private Uni<Void> repeat(Progress progress, Supplier<Uni<Boolean>> stop, Supplier<Uni<Boolean>> step) {
        return step.get().chain(more -> !more ? Uni.createFrom().voidItem() : stop.get().chain(stopNow -> {
            if (stopNow) {
                progress.stopped = true;
                return Uni.createFrom().voidItem();
            }
            return repeat(progress, stop, step);
        }));
    }

    private Uni<Boolean> stopRequested(String runId) {
        return pool.preparedQuery("SELECT stop_requested FROM gc_run WHERE id = $1").execute(Tuple.of(UUID.fromString(runId)))
                .map(rows -> rows.iterator().hasNext() && rows.iterator().next().getBoolean(0));
    }

    /** Ends the run's row and records {@code gc.completed}, in one transaction. */
    private Uni<Void> finish(GcRunView run, Progress progress, Throwable failure) {
        String status = failure != null ? "failed" : progress.stopped ? "stopped" : "completed";
        String error = failure == null ? null : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        OffsetDateTime finishedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        StorageEventData data = new StorageEventData(null, null, null,
                new StorageEventData.GcRun(run.id(), run.dryRun(), run.trigger(), status, progress.blobs.get(), progress.bytes.get(),
                        progress.manifests.get(), run.startedAt(), finishedAt),
                run.requestedBy() == null ? null : RegistryEventData.Actor.user(run.requestedBy()), null);
        if (failure != null) {
            LOG.errorf("garbage collection %s failed: %s", run.id(), failure.toString());
        }
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                        .createNativeQuery("""
                                UPDATE gc_run SET status = :status, finished_at = :finished, blobs_deleted = :blobs, bytes_freed = :bytes,
                                       manifests_deleted = :manifests, links_pruned = :links, error = :error
                                WHERE id = :id""")
                        .setParameter("status", status)
                        .setParameter("finished", finishedAt)
                        .setParameter("blobs", progress.blobs.get())
                        .setParameter("bytes", progress.bytes.get())
                        .setParameter("manifests", progress.manifests.get())
                        .setParameter("links", progress.links.get())
                        .setParameter("error", error)
                        .setParameter("id", UUID.fromString(run.id()))
                        .executeUpdate())
                        .chain(() -> events.record(EventType.GC_COMPLETED, data)))
                .invoke(() -> {
                    relay.wake();
                    metrics.counter("wharf.gc.runs", "status", status, "dry_run", Boolean.toString(run.dryRun())).increment();
                    if (!run.dryRun()) {
                        metrics.counter("wharf.gc.blobs.deleted").increment(progress.blobs.get());
                        metrics.counter("wharf.gc.bytes.freed").increment(progress.bytes.get());
                    }
                    LOG.infof("garbage collection %s %s: %d manifests, %d links, %d blobs, %d bytes%s", run.id(), status,
                            progress.manifests.get(), progress.links.get(), progress.blobs.get(), progress.bytes.get(),
                            run.dryRun() ? " (dry run: would free)" : "");
                })
                .replaceWithVoid();
    }

    // ------------------------------------------------------------------ reading and stopping

    /** One run (system administrators only). */
    public Uni<GcRunView> get(String id) {
        access.admin();
        return run(id);
    }

    private Uni<GcRunView> run(String id) {
        UUID uuid = uuid(id);
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM gc_run WHERE id = $1").execute(Tuple.of(uuid))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw RequestRefused.notFound("garbage collection run " + id);
                    }
                    return view(rows.iterator().next());
                });
    }

    /** Runs, newest first, {@code limit} per page, after the run {@code cursor} names (system administrators only). */
    public Uni<GcRunPage> list(String cursor, int limit) {
        access.admin();
        if (cursor != null && !cursor.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            throw RequestRefused.invalid("cursor must be the next value of an earlier page");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw RequestRefused.invalid("limit must be between 1 and " + MAX_PAGE);
        }
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> rows = cursor == null
                ? pool.preparedQuery("SELECT " + COLUMNS + " FROM gc_run ORDER BY started_at DESC, id DESC LIMIT $1")
                        .execute(Tuple.of(limit + 1))
                : pool.preparedQuery("SELECT " + COLUMNS + """
                         FROM gc_run WHERE (started_at, id) < (SELECT started_at, id FROM gc_run WHERE id = $1)
                        ORDER BY started_at DESC, id DESC LIMIT $2""").execute(Tuple.of(uuid(cursor), limit + 1));
        return rows.map(set -> {
            List<GcRunView> runs = new ArrayList<>();
            for (Row row : set) {
                runs.add(view(row));
            }
            String next = null;
            if (runs.size() > limit) {
                runs = runs.subList(0, limit);
                next = runs.get(limit - 1).id();
            }
            return new GcRunPage(List.copyOf(runs), next);
        });
    }

    /** Asks a run in progress to stop (system administrators only); CONFLICT when it is not running. */
    public Uni<GcRunView> stop(String id) {
        access.admin();
        UUID uuid = uuid(id);
        return audit.byCaller(Actions.GC_RAN, null).chain(entry -> pool.withTransaction(db -> db
                .preparedQuery("UPDATE gc_run SET stop_requested = true WHERE id = $1 AND status = 'running' RETURNING " + COLUMNS)
                .execute(Tuple.of(uuid))
                .chain(rows -> rows.iterator().hasNext()
                        ? audit.record(db, entry.subject("gc/" + id).summary("stopRequested", "true")).replaceWith(view(rows.iterator().next()))
                        : run(id).invoke(existing -> {
                            throw RequestRefused.conflict("garbage collection run " + id + " is " + existing.status() + ", not running");
                        }))));
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RequestRefused.notFound("garbage collection run " + id);
        }
    }

    private static GcRunView view(Row row) {
        return new GcRunView(row.getUUID("id").toString(), row.getString("trigger"), row.getBoolean("dry_run"), row.getString("status"),
                row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"), row.getLong("blobs_deleted"),
                row.getLong("bytes_freed"), row.getLong("manifests_deleted"), row.getLong("links_pruned"), row.getString("requested_by"),
                row.getBoolean("stop_requested"), row.getString("error"));
    }
}
