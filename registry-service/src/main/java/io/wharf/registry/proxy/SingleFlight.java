package io.wharf.registry.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One upstream fetch of a missing manifest or blob at a time, across all instances. On an instance,
 * requests for the same key join the flight under way and are answered when it ends. A flight's leader
 * first takes a transaction-scoped PostgreSQL advisory lock on the key ({@link #LOCK_SPACE},
 * {@code hashtext(key)}), held until its work ends: a leader on another instance waits there, and then
 * finds what the first one stored instead of fetching it again (its work looks first). The lock's
 * connection is held for the whole flight, so at most {@code wharf.proxy.fetch-flights} flights hold one
 * per instance (the others wait in memory): flights waiting for each other never take the whole pool,
 * which the work inside them needs too.
 */
@ApplicationScoped
public class SingleFlight {

    /** The first key of the advisory locks of flights ("PRXY"): their own key space. */
    public static final int LOCK_SPACE = 0x50525859;

    private final Pool pool;
    private final Permits permits;
    private final ConcurrentHashMap<String, Uni<?>> flights = new ConcurrentHashMap<>();

    public SingleFlight(Pool pool, ProxyConfig config) {
        this.pool = pool;
        this.permits = new Permits(config.fetchFlights());
    }

    /** The key of a flight fetching the manifest a tag or digest names. */
    static String manifestKey(String repository, String reference) {
        return "manifest " + repository + " " + reference;
    }

    /** The key of a flight fetching a blob into a repository. */
    static String blobKey(String repository, String digest) {
        return "blob " + repository + " " + digest;
    }

    /**
     * Runs {@code lead} as the flight of {@code key}, or joins the one under way here: a request that joins
     * gets {@code follow} applied to the flight's item, or its failure.
     */
    @SuppressWarnings("unchecked")
    <T> Uni<T> run(String key, Supplier<Uni<T>> lead, Function<T, Uni<T>> follow) {
        return Uni.createFrom().deferred(() -> {
            Uni<T>[] self = new Uni[1];
            Uni<T> flight = permits.with(() -> pool.withTransaction(db -> db
                            .preparedQuery("select 1 from (select pg_advisory_xact_lock($1, hashtext($2))) l")
                            .execute(Tuple.of(LOCK_SPACE, key))
                            .chain(lead::get)))
                    .onTermination().invoke(() -> flights.remove(key, self[0]))
                    .memoize().indefinitely();
            self[0] = flight;
            Uni<T> under = (Uni<T>) flights.putIfAbsent(key, flight);
            if (under == null) {
                return flight;
            }
            // The flight ends on its leader's context: go on on this request's own.
            Context context = Vertx.currentContext();
            return (context == null ? under : under.emitOn(task -> context.runOnContext(v -> task.run()))).chain(t -> follow.apply(t));
        });
    }
}
