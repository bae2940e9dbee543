package io.wharf.registry.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Docker Hub's pull limits. A pull is a manifest GET; HEAD shows what is left and costs nothing.
 * <ul>
 * <li>anonymous callers: {@code anonymous} pulls per {@code window} per address, an IPv6 address
 * counted as its /64 ({@link ClientAddress#key});</li>
 * <li>accounts: {@code authenticated} per {@code window} and {@code authenticated-daily} per day;</li>
 * <li>robots: their project's budget, {@code robots-per-project} per {@code window}, shared by all
 * robots of the project (a user cannot escape the account limits by making robots);</li>
 * <li>system administrators: not limited.</li>
 * </ul>
 * An administrator may set other limits for one account or for one project's robots
 * ({@link PullLimitOverrides}, e.g. an unlimited CI account).
 * Every limit that applies must have a pull left; the answer's RateLimit headers show the one with
 * the fewest left (the binding one), and {@code docker-ratelimit-source} what was counted.
 *
 * <p>Where the counters live: in PostgreSQL ({@code pull_count}, one row per counter and window),
 * which every registry instance already shares, so a subject's pulls are counted across instances.
 * A pull is decided locally, without a database round trip on the request path: each instance
 * counts its own pulls in memory and, every {@code sync-interval}, adds them to the shared row and
 * reads back the total. With one instance the count is exact; with N instances a subject can get
 * at most what the other N-1 instances admitted in one sync interval beyond the limit.
 */
@ApplicationScoped
public class PullLimiter {
    private static final Logger LOG = Logger.getLogger(PullLimiter.class);

    private static final Duration DAY = Duration.ofDays(1);

    /** The outcome of a pull or a look: the binding limit, what is left of it, its window in seconds, and whether the pull may go. */
    public record Quota(int limit, long remaining, long windowSeconds, boolean allowed, String source) {

        public String limitHeader() {
            return limit + ";w=" + windowSeconds;
        }

        public String remainingHeader() {
            return remaining + ";w=" + windowSeconds;
        }
    }

    /** One limit: {@code limit} pulls per {@code window}, counted under {@code key}. */
    public record Bucket(String key, int limit, Duration window) {
    }

    /** Whom a caller's pulls are counted for ({@code source}, as Docker Hub names it) and the limits that apply. */
    public record Subject(String source, List<Bucket> buckets) {
    }

    private static final class Counter {
        final long windowStart;
        final long windowMillis;
        long shared;
        long pending;
        long sending;

        Counter(long windowStart, long windowMillis) {
            this.windowStart = windowStart;
            this.windowMillis = windowMillis;
        }

        long used() {
            return shared + pending + sending;
        }
    }

    private final AuthConfig.RateLimit config;
    private final Pool pool;
    private final Clock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final PullLimitOverrides store;
    private volatile Map<String, PullLimitOverrides.Override> overrides = Map.of();

    @Inject
    public PullLimiter(AuthConfig config, Pool pool, PullLimitOverrides store) {
        this(config.rateLimit(), pool, store);
    }

    PullLimiter(AuthConfig.RateLimit config, Pool pool, PullLimitOverrides store) {
        this.config = config;
        this.pool = pool;
        this.store = store;
        this.clock = Clock.systemUTC();
    }

    /** The limits in force for an account or a project's robots (override or configuration): what the API shows. */
    public PullLimitOverrides.Override limitsOf(String subject) {
        PullLimitOverrides.Override o = overrides.get(subject);
        if (o != null) {
            return o;
        }
        return subject.startsWith("project:") ? new PullLimitOverrides.Override(positive(config.robotsPerProject()), null)
                : new PullLimitOverrides.Override(positive(config.authenticated()), positive(config.authenticatedDaily()));
    }

    /** Whether an administrator set the limits of {@code subject}. */
    public boolean overridden(String subject) {
        return overrides.containsKey(subject);
    }

    /** The window the per-window limits count over. */
    public Duration window() {
        return config.window();
    }

    private static Integer positive(int limit) {
        return limit > 0 ? limit : null;
    }

    /** Reads the administrators' overrides again (every sync interval, and at once after a change here). */
    @Scheduled(every = "${wharf.auth.rate-limit.sync-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refreshOverrides() {
        return store.all().invoke(all -> overrides = Map.copyOf(all))
                .onFailure().invoke(e -> LOG.warnf("could not read pull-limit overrides (kept the last ones): %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The subject a caller's pulls are counted under and its limits; null when unlimited. */
    public Subject subject(Principal p, String remoteAddress) {
        List<Bucket> buckets = new ArrayList<>(2);
        String source;
        if (p.anonymous()) {
            source = ClientAddress.key(remoteAddress == null ? "unknown" : remoteAddress);
            add(buckets, "ip:" + source, positive(config.anonymous()), config.window());
        } else if (p.systemAdmin()) {
            return null;
        } else if (p.robot()) {
            source = "project:" + p.robotProject();
            add(buckets, source, limitsOf(source).perWindow(), config.window());
        } else {
            source = p.name();
            PullLimitOverrides.Override limits = limitsOf("user:" + p.name());
            add(buckets, "user:" + p.name(), limits.perWindow(), config.window());
            add(buckets, "user-day:" + p.name(), limits.perDay(), DAY);
        }
        return buckets.isEmpty() ? null : new Subject(source, buckets);
    }

    private static void add(List<Bucket> buckets, String key, Integer limit, Duration window) {
        if (limit != null) {
            buckets.add(new Bucket(key, limit, window));
        }
    }

    /** Counts one pull against every limit of the subject, if each has one left. */
    public Quota pull(Subject s) {
        List<Counter> cs = counters(s);
        // At most two counters, always in the subject's order: locking both in that order cannot deadlock.
        synchronized (cs.get(0)) {
            if (cs.size() == 1) {
                return take(s, cs);
            }
            synchronized (cs.get(1)) {
                return take(s, cs);
            }
        }
    }

    private Quota take(Subject s, List<Counter> cs) {
        for (int i = 0; i < cs.size(); i++) {
            if (cs.get(i).used() >= s.buckets().get(i).limit()) {
                return binding(s, cs, false);
            }
        }
        cs.forEach(c -> c.pending++);
        return binding(s, cs, true);
    }

    /** What the subject has left, counting nothing. */
    public Quota peek(Subject s) {
        List<Counter> cs = counters(s);
        boolean allowed = true;
        for (int i = 0; i < cs.size(); i++) {
            allowed &= cs.get(i).used() < s.buckets().get(i).limit();
        }
        return binding(s, cs, allowed);
    }

    /** The limit with the fewest pulls left. */
    private static Quota binding(Subject s, List<Counter> cs, boolean allowed) {
        Quota tightest = null;
        for (int i = 0; i < cs.size(); i++) {
            Bucket b = s.buckets().get(i);
            long left = Math.max(0, b.limit() - cs.get(i).used());
            if (tightest == null || left < tightest.remaining()) {
                tightest = new Quota(b.limit(), left, b.window().toSeconds(), allowed, s.source());
            }
        }
        return tightest;
    }

    private List<Counter> counters(Subject s) {
        List<Counter> cs = new ArrayList<>(s.buckets().size());
        long now = clock.millis();
        for (Bucket b : s.buckets()) {
            long windowMillis = b.window().toMillis();
            long start = now - Math.floorMod(now, windowMillis);
            String key = b.key() + "@" + b.window().toSeconds();
            Counter c = counters.get(key);
            if (c == null || c.windowStart != start) {
                c = counters.compute(key, (k, old) -> old == null || old.windowStart != start ? new Counter(start, windowMillis) : old);
            }
            cs.add(c);
        }
        return cs;
    }

    /** Adds this instance's pulls to the shared counters and reads back every counter's total. */
    @Scheduled(every = "${wharf.auth.rate-limit.sync-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sync() {
        if (counters.isEmpty() || !syncing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        long now = clock.millis();
        counters.entrySet().removeIf(e -> e.getValue().windowStart != now - Math.floorMod(now, e.getValue().windowMillis));
        List<String> keys = new ArrayList<>();
        List<Counter> batch = new ArrayList<>();
        List<Long> deltas = new ArrayList<>();
        List<String> windows = new ArrayList<>();
        counters.forEach((k, c) -> {
            synchronized (c) {
                c.sending = c.pending;
                c.pending = 0;
                keys.add(k);
                batch.add(c);
                deltas.add(c.sending);
                windows.add(Instant.ofEpochMilli(c.windowStart).atOffset(ZoneOffset.UTC).toString());
            }
        });
        return pool.preparedQuery("insert into pull_count (subject, window_start, pulls) "
                + "select s, w::timestamptz, d from unnest($1::varchar[], $2::text[], $3::bigint[]) as t(s, w, d) "
                + "on conflict (subject, window_start) do update set pulls = pull_count.pulls + excluded.pulls returning subject, pulls")
                .execute(Tuple.of(keys.toArray(String[]::new), windows.toArray(String[]::new), deltas.toArray(Long[]::new)))
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

    /** Rows of windows that have ended are of no use: drop them hourly (a day's windows are the longest). */
    @Scheduled(every = "1h", delayed = "1m")
    Uni<Void> purge() {
        Instant oldest = Instant.ofEpochMilli(clock.millis()).minus(DAY).minus(config.window());
        return pool.preparedQuery("delete from pull_count where window_start < $1").execute(Tuple.of(oldest.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }
}
