package io.wharf.registry.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Pull limits over fixed windows ({@code wharf.auth.rate-limit.window}, aligned to the epoch).
 *
 * <p>Where the counters live: in PostgreSQL ({@code pull_count}, one row per subject and window),
 * which every registry instance already shares, so a subject's pulls are counted across instances.
 * A pull is decided locally, without a database round trip on the request path: each instance
 * counts its own pulls in memory and, every {@code sync-interval}, adds them to the shared row and
 * reads back the total. With one instance the count is exact; with N instances a subject can get
 * at most what the other N-1 instances admitted in one sync interval beyond the limit.
 */
@ApplicationScoped
public class PullLimiter {
    private static final Logger LOG = Logger.getLogger(PullLimiter.class);

    /** The outcome of a pull or a look: the limit, what is left, and the window in seconds. */
    public record Quota(int limit, long remaining, long windowSeconds, boolean allowed) {

        public String limitHeader() {
            return limit + ";w=" + windowSeconds;
        }

        public String remainingHeader() {
            return remaining + ";w=" + windowSeconds;
        }
    }

    private static final class Counter {
        final long windowStart;
        long shared;
        long pending;
        long sending;

        Counter(long windowStart) {
            this.windowStart = windowStart;
        }

        synchronized long used() {
            return shared + pending + sending;
        }
    }

    private final AuthConfig.RateLimit config;
    private final Pool pool;
    private final Clock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean syncing = new AtomicBoolean();

    public PullLimiter(AuthConfig config, Pool pool) {
        this.config = config.rateLimit();
        this.pool = pool;
        this.clock = Clock.systemUTC();
    }

    /** The subject a caller's pulls are counted under and its limit; null when unlimited. */
    public Subject subject(Principal p, String remoteAddress) {
        if (p.anonymous()) {
            return config.anonymous() > 0 ? new Subject("ip:" + remoteAddress, config.anonymous()) : null;
        }
        if (p.robot()) {
            return config.robots().isPresent() && config.robots().getAsInt() > 0 ? new Subject("robot:" + p.name(), config.robots().getAsInt()) : null;
        }
        return config.authenticated() > 0 ? new Subject("user:" + p.name(), config.authenticated()) : null;
    }

    /** Whom pulls are counted for, and how many a window allows. */
    public record Subject(String key, int limit) {
    }

    /** Counts one pull if the subject has any left. */
    public Quota pull(Subject s) {
        Counter c = counter(s.key());
        synchronized (c) {
            long used = c.used();
            if (used >= s.limit()) {
                return new Quota(s.limit(), 0, windowSeconds(), false);
            }
            c.pending++;
            return new Quota(s.limit(), s.limit() - used - 1, windowSeconds(), true);
        }
    }

    /** What the subject has left, counting nothing. */
    public Quota peek(Subject s) {
        Counter c = counter(s.key());
        long used = c.used();
        return new Quota(s.limit(), Math.max(0, s.limit() - used), windowSeconds(), used < s.limit());
    }

    private long windowSeconds() {
        return config.window().toSeconds();
    }

    private Counter counter(String key) {
        long window = windowStart(clock.millis());
        Counter c = counters.get(key);
        if (c == null || c.windowStart != window) {
            Counter fresh = new Counter(window);
            c = counters.compute(key, (k, old) -> old == null || old.windowStart != window ? fresh : old);
        }
        return c;
    }

    private long windowStart(long millis) {
        long w = config.window().toMillis();
        return millis - Math.floorMod(millis, w);
    }

    /** Adds this instance's pulls to the shared counters and reads back every subject's total. */
    @Scheduled(every = "${wharf.auth.rate-limit.sync-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sync() {
        if (counters.isEmpty() || !syncing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        long current = windowStart(clock.millis());
        counters.entrySet().removeIf(e -> e.getValue().windowStart != current);
        List<String> keys = new ArrayList<>();
        List<Counter> batch = new ArrayList<>();
        List<Long> deltas = new ArrayList<>();
        counters.forEach((k, c) -> {
            synchronized (c) {
                c.sending = c.pending;
                c.pending = 0;
                keys.add(k);
                batch.add(c);
                deltas.add(c.sending);
            }
        });
        Instant window = Instant.ofEpochMilli(current);
        return pool.preparedQuery("insert into pull_count (subject, window_start, pulls) "
                + "select s, $2, d from unnest($1::varchar[], $3::bigint[]) as t(s, d) "
                + "on conflict (subject, window_start) do update set pulls = pull_count.pulls + excluded.pulls returning subject, pulls")
                .execute(Tuple.of(keys.toArray(String[]::new), window.atOffset(ZoneOffset.UTC), deltas.toArray(Long[]::new)))
                .invoke(rows -> {
                    Map<String, Long> totals = new HashMap<>();
                    for (Row r : rows) {
                        totals.put(r.getString("subject"), r.getLong("pulls"));
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        Counter c = batch.get(i);
                        synchronized (c) {
                            Long total = totals.get(keys.get(i));
                            if (total != null) {
                                c.shared = total;
                            }
                            c.sending = 0;
                        }
                    }
                })
                .onFailure().invoke(e -> {
                    LOG.warnf("could not share pull counts (kept locally, retried): %s", e.toString());
                    for (Counter c : batch) {
                        synchronized (c) {
                            c.pending += c.sending;
                            c.sending = 0;
                        }
                    }
                })
                .onFailure().recoverWithNull()
                .eventually(() -> syncing.set(false))
                .replaceWithVoid();
    }

    /** Old windows' rows are of no use: drop them hourly. */
    @Scheduled(every = "1h", delayed = "1m")
    Uni<Void> purge() {
        Instant current = Instant.ofEpochMilli(windowStart(clock.millis()));
        return pool.preparedQuery("delete from pull_count where window_start < $1").execute(Tuple.of(current.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }
}
