package io.wharf.registry.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How this instance treats each upstream registry (by scheme, host and port), whichever proxy projects
 * name it: at most {@code wharf.proxy.upstream-concurrency} requests at once (more wait their turn), and a
 * circuit breaker. After {@code wharf.proxy.breaker.failures} failures in a row (no answer, 429, 5xx) the
 * circuit opens for {@code wharf.proxy.breaker.open-for}: requests fail at once, without reaching the
 * upstream, with an {@link UpstreamException} naming its state (a cached tag is then served with a
 * {@code Warning}, a miss fails fast). Then one request is let through to try: its success closes the
 * circuit, its failure opens it again. The {@code RateLimit-Limit} and {@code RateLimit-Remaining}
 * headers of the upstream's answers (Docker Hub's {@code ratelimit-*}) are kept on the proxy project when
 * they change.
 */
@ApplicationScoped
public class UpstreamManners {

    private static final Logger LOG = Logger.getLogger(UpstreamManners.class);

    /** A circuit's state, as the API shows it. */
    public enum Circuit {
        CLOSED, OPEN, HALF_OPEN;

        public String wireName() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final ProxyConfig config;
    private final Pool pool;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> rateLimits = new ConcurrentHashMap<>();

    public UpstreamManners(ProxyConfig config, Pool pool) {
        this.config = config;
        this.pool = pool;
    }

    /** The key of an upstream: requests to one host and port share its limit and its circuit. */
    static String key(Upstream u) {
        return key(u.url());
    }

    private static String key(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    /** The circuit of the upstream at {@code url} on this instance now. */
    public Circuit circuit(URI url) {
        State s = states.get(key(url));
        return s == null ? Circuit.CLOSED : s.circuit(System.nanoTime());
    }

    /**
     * Runs a request to the upstream within its concurrency limit, when its circuit lets it; counts the
     * outcome ({@code status} reads the HTTP status of an answer; a failure is an answer never received).
     */
    <T> Uni<T> request(Upstream u, Supplier<Uni<T>> request, ToIntFunction<T> status) {
        return guarded(u, () -> limited(u, request), status);
    }

    /** A request as {@link #request} runs it, without taking a place in the limit (its caller holds one). */
    <T> Uni<T> guarded(Upstream u, Supplier<Uni<T>> request, ToIntFunction<T> status) {
        return permitted(u).chain(state -> request.get().onTermination().invoke((answer, failure, cancelled) -> {
            if (cancelled) {
                state.abandoned();
                return;
            }
            int code = failure != null ? (failure instanceof UpstreamException e ? e.status() : 0) : status.applyAsInt(answer);
            state.outcome(code, failure != null ? describe(failure) : "answered " + code, config);
        }));
    }

    /** Runs work that reaches the upstream (a blob's whole download) within its concurrency limit. */
    <T> Uni<T> limited(Upstream u, Supplier<Uni<T>> work) {
        return state(u).permits.with(work);
    }

    private Uni<State> permitted(Upstream u) {
        State state = state(u);
        String refused = state.admit(System.nanoTime());
        if (refused != null) {
            return Uni.createFrom().failure(new UpstreamException(0, "the upstream " + key(u) + " " + refused));
        }
        return Uni.createFrom().item(state);
    }

    private State state(Upstream u) {
        return states.computeIfAbsent(key(u), k -> new State(new Permits(config.upstreamConcurrency())));
    }

    /** Keeps the upstream's {@code RateLimit-*} headers on the proxy project when they changed. */
    void rateLimit(Upstream u, MultiMap headers) {
        String limit = headers.get("RateLimit-Limit");
        String remaining = headers.get("RateLimit-Remaining");
        if (limit == null && remaining == null) {
            return;
        }
        String seen = limit + "\n" + remaining;
        if (Objects.equals(rateLimits.put(u.project(), seen), seen)) {
            return;
        }
        pool.preparedQuery("update proxy_project set rate_limit = $2, rate_limit_remaining = $3, rate_limit_seen_at = now()"
                        + " where project_id = (select id from project where name = $1)")
                .execute(Tuple.of(u.project(), clip(limit), clip(remaining)))
                .subscribe().with(done -> { }, e -> {
                    rateLimits.remove(u.project());
                    LOG.warnf("could not keep the rate limit of %s's upstream: %s", u.project(), e.toString());
                });
    }

    private static String clip(String header) {
        return header == null ? null : header.length() > 200 ? header.substring(0, 200) : header;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One upstream's circuit and limit. */
    private static final class State {
        final Permits permits;
        private int failures;
        private long openUntil;
        private boolean open;
        private boolean trying;
        private String last;

        State(Permits permits) {
            this.permits = permits;
        }

        synchronized Circuit circuit(long now) {
            if (!open) {
                return Circuit.CLOSED;
            }
            return trying || now - openUntil >= 0 ? Circuit.HALF_OPEN : Circuit.OPEN;
        }

        /** Null when a request may go out now; else why not. */
        synchronized String admit(long now) {
            if (!open) {
                return null;
            }
            if (now - openUntil < 0) {
                long seconds = Math.max(1, Duration.ofNanos(openUntil - now).toSeconds());
                return "is not asked now: its circuit is open after " + failures + " failures in a row (last: " + last
                        + "); the next try is in " + seconds + " s";
            }
            if (trying) {
                return "is not asked now: its circuit is half-open after " + failures + " failures in a row (last: " + last
                        + "), and one request is trying it";
            }
            trying = true;
            return null;
        }

        synchronized void abandoned() {
            trying = false;
        }

        synchronized void outcome(int status, String what, ProxyConfig config) {
            boolean failed = status == 0 || status == 429 || status >= 500;
            trying = false;
            if (!failed) {
                failures = 0;
                open = false;
                return;
            }
            failures++;
            last = what;
            if (open || failures >= config.breaker().failures()) {
                open = true;
                openUntil = System.nanoTime() + config.breaker().openFor().toNanos();
            }
        }
    }
}
