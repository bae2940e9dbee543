package io.wharf.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Publishes a service's outbox table at least once: its unpublished rows, oldest first ({@code seq}), one
 * after the other (a topic keeps a key's records in the order written), then marks those sent. One drain
 * runs at a time; a call during it runs it again after it. It never fails: what was not sent stays for the
 * next call. The table has {@code id UUID}, {@code seq} and {@code published_at}; {@code columns} are what
 * {@code publish} reads of a row, after the id (row[0], as text).
 */
public final class OutboxDrain {
    private static final Logger LOG = Logger.getLogger(OutboxDrain.class);
    private static final int BATCH = 500;

    private final String select;
    private final String mark;
    private final String what;
    private final Function<Object[], Uni<Void>> publish;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * @param table   the outbox table (a constant of the service, never input)
     * @param columns the columns {@code publish} reads, comma-separated
     * @param what    what the rows are, for the log ("audit entries")
     * @param publish sends one row; fails when Kafka did not take it
     */
    public OutboxDrain(String table, String columns, String what, Function<Object[], Uni<Void>> publish) {
        this.select = "SELECT CAST(id AS TEXT), " + columns + " FROM " + table + " WHERE published_at IS NULL ORDER BY seq LIMIT " + BATCH;
        this.mark = "UPDATE " + table + " SET published_at = now() WHERE id IN (:ids)";
        this.what = what;
        this.publish = publish;
    }

    /** Publishes every unpublished row, oldest first, and marks what was sent. */
    public Uni<Void> drain() {
        if (!draining.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        again.set(false);
        return Panache.withSession(() -> Panache.getSession().chain(session -> session.createNativeQuery(select, Object[].class)
                        .getResultList()))
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    List<UUID> sent = new ArrayList<>();
                    return Multi.createFrom().iterable(rows)
                            .onItem().transformToUniAndConcatenate(row -> publish.apply(row)
                                    .invoke(() -> sent.add(UUID.fromString((String) row[0]))))
                            .collect().last()
                            .onTermination().call(() -> sent.isEmpty() ? Uni.createFrom().voidItem()
                                    : Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery(mark)
                                            .setParameter("ids", sent).executeUpdate())))
                            .replaceWithVoid();
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("%s not published yet (%s); the next relay retries", what, failure.getMessage());
                    return null;
                })
                .eventually(() -> {
                    draining.set(false);
                    return again.getAndSet(false) ? drain() : Uni.createFrom().voidItem();
                });
    }
}
