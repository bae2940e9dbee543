package io.wharf.registry.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.audit.AuditLog;

/**
 * Backs off password guessing. Each failed sign-in is recorded for the account name tried and for
 * the caller's address (an IPv6 address counts as its /64, which one client usually holds whole);
 * once either has {@code wharf.auth.sign-in} failures within the window, sign-ins for it are refused
 * before any credential is checked (no bcrypt hash is spent on them) until enough failures have aged
 * out, and the refusal says when ({@link SignInThrottled}). A successful sign-in clears its account's
 * failures, not its address's. Credentials already verified and remembered
 * ({@code credential-cache-ttl}) are not throttled, so a client that is signed in keeps working while
 * someone guesses its password elsewhere. The failures live in PostgreSQL ({@code sign_in_failure}),
 * so every instance counts the same ones; a system administrator clears an account's with
 * {@code DELETE /api/v1/users/{username}/sign-in-failures}. The failure that locks an account or an
 * address is written to the audit log ({@code sign-in.locked}), once per lock.
 */
@ApplicationScoped
public class SignInThrottle {
    private static final Logger LOG = Logger.getLogger(SignInThrottle.class);

    private static final String ACCOUNT = "account:";
    private static final String ADDRESS = "address:";

    private final Pool pool;
    private final AuthConfig.SignIn config;
    private final AuditLog audit;

    public SignInThrottle(Pool pool, AuthConfig config, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
        this.config = config.signIn();
    }

    /** Null when a sign-in as {@code username} from {@code address} may be tried now; else how long to wait. */
    public Uni<Duration> wait(String username, String address) {
        if (!enabled()) {
            return Uni.createFrom().nullItem();
        }
        Map<String, Integer> limits = new TreeMap<>();
        limits.put(ACCOUNT + username, config.maxFailures());
        if (address != null && config.maxFailuresPerAddress() > 0) {
            limits.put(ADDRESS + ClientAddress.key(address), config.maxFailuresPerAddress());
        }
        return pool.preparedQuery("""
                        select subject, failed_at from sign_in_failure
                        where subject = any($1) and failed_at > now() - make_interval(secs => $2)
                        order by subject, failed_at desc""")
                .execute(Tuple.of(limits.keySet().toArray(String[]::new), (double) config.window().toSeconds()))
                .map(rows -> {
                    Map<String, List<Instant>> failures = new TreeMap<>();
                    for (Row row : rows) {
                        failures.computeIfAbsent(row.getString("subject"), s -> new ArrayList<>())
                                .add(row.getOffsetDateTime("failed_at").toInstant());
                    }
                    Duration longest = null;
                    for (Map.Entry<String, List<Instant>> e : failures.entrySet()) {
                        int max = limits.get(e.getKey());
                        List<Instant> newestFirst = e.getValue();
                        if (newestFirst.size() >= max) {
                            // Open again once the max-th newest failure has left the window.
                            Duration wait = Duration.between(Instant.now(), newestFirst.get(max - 1).plus(config.window()));
                            if (!wait.isNegative() && (longest == null || wait.compareTo(longest) > 0)) {
                                longest = wait;
                            }
                        }
                    }
                    return longest;
                });
    }

    /** Records a failed sign-in as {@code username} from {@code address}. */
    public Uni<Void> failed(String username, String address) {
        if (!enabled()) {
            return Uni.createFrom().voidItem();
        }
        List<String> subjects = new ArrayList<>(List.of(ACCOUNT + username));
        if (address != null) {
            subjects.add(ADDRESS + ClientAddress.key(address));
        }
        return pool.preparedQuery("insert into sign_in_failure (subject) select unnest($1::text[])")
                .execute(Tuple.of(subjects.toArray(String[]::new)))
                .chain(() -> pool.preparedQuery("""
                                select subject, count(*) as failures from sign_in_failure
                                where subject = any($1) and failed_at > now() - make_interval(secs => $2) group by subject""")
                        .execute(Tuple.of(subjects.toArray(String[]::new), (double) config.window().toSeconds())))
                .chain(rows -> {
                    Uni<Void> done = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        String subject = row.getString("subject");
                        boolean account = subject.startsWith(ACCOUNT);
                        int max = account ? config.maxFailures() : config.maxFailuresPerAddress();
                        if (max > 0 && row.getLong("failures") == max) { // this failure locked it
                            AuditEventData.Builder entry = AuditLog.entry(Actions.SIGN_IN_LOCKED).outcome(AuditEventData.Outcome.REFUSED)
                                    .subject(account ? username : subject).summary("failures", max).summary("window", config.window());
                            if (address != null) {
                                entry.address(address);
                            }
                            done = done.call(() -> audit.record(entry.build()));
                        }
                    }
                    return done;
                });
    }

    /** A successful sign-in clears the account's failures (not the address's: one good account must not clear guesses at others). */
    public Uni<Void> succeeded(String username) {
        return enabled() ? unlock(username).replaceWithVoid() : Uni.createFrom().voidItem();
    }

    /** Clears an account's failures (an administrator unlocking it); true when there were any. */
    public Uni<Boolean> unlock(String username) {
        return pool.preparedQuery("delete from sign_in_failure where subject = $1").execute(Tuple.of(ACCOUNT + username))
                .map(rows -> rows.rowCount() > 0);
    }

    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return pool.preparedQuery("delete from sign_in_failure where failed_at < $1")
                .execute(Tuple.of(OffsetDateTime.now().minus(config.window())))
                .onFailure().invoke(e -> LOG.warnf("purging old sign-in failures: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private boolean enabled() {
        return config.maxFailures() > 0;
    }
}
