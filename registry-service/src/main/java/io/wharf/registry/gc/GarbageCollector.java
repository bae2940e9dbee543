package io.wharf.registry.gc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.storage.BlobStore;

/**
 * The steps of a garbage-collection run over blobs, each a few set-based SQL statements (see
 * {@link BlobLiveness} for the states and the locking rule). Every step is safe to repeat and to
 * interrupt: a crash leaves rows {@code live}, {@code marked} (harmless: the sweep re-checks, a push
 * revives) or {@code deleting} (unreachable; {@link #finishDeleting} of any later run completes them).
 */
@ApplicationScoped
public class GarbageCollector {

    /** Nothing links it, nothing references it: true for a blob no repository can serve or needs. */
    static final String UNREFERENCED = " (NOT EXISTS (SELECT 1 FROM repository_blob l WHERE l.digest = b.digest)"
            + " AND NOT EXISTS (SELECT 1 FROM manifest_reference r WHERE r.digest = b.digest)) ";

    /** No manifest of the link's repository references the blob (for a {@code repository_blob l}). */
    static final String STALE_LINK = " NOT EXISTS (SELECT 1 FROM manifest_reference r JOIN manifest m ON m.id = r.manifest_id"
            + " WHERE r.digest = l.digest AND r.kind = 'blob' AND m.repository_id = l.repository_id) ";

    /** The link was last linked longer ago than the grace ($1, seconds). */
    private static final String LINK_PAST_GRACE = " l.linked_at <= now() - make_interval(secs => $1) ";

    private final Pool pool;
    private final BlobStore store;
    private final BlobsGoingNotices going;

    public GarbageCollector(Pool pool, BlobStore store, BlobsGoingNotices going) {
        this.pool = pool;
        this.store = store;
        this.going = going;
    }

    /** What one step freed. */
    public record Freed(long blobs, long bytes) {
        static final Freed NONE = new Freed(0, 0);

        Freed plus(Freed other) {
            return new Freed(blobs + other.blobs, bytes + other.bytes);
        }
    }

    /**
     * Dry run: how many blobs, and how many bytes, a run now would free (the blobs past the grace that
     * no manifest references and whose links, if any, the run would prune; and those already marked or
     * being deleted). One SELECT; changes nothing.
     */
    public Uni<Freed> wouldFree(Duration grace, Duration linkGrace) {
        return pool.preparedQuery("""
                        SELECT count(*), COALESCE(sum(b.size), 0) FROM blob b
                        WHERE (b.state <> 'live' OR COALESCE(b.revived_at, b.created_at) <= now() - make_interval(secs => $1))
                        AND NOT EXISTS (SELECT 1 FROM manifest_reference r WHERE r.digest = b.digest)
                        AND NOT EXISTS (SELECT 1 FROM repository_blob l WHERE l.digest = b.digest AND l.linked_at > now() - make_interval(secs => $2))""")
                .execute(Tuple.of(seconds(grace), seconds(linkGrace)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Freed(row.getLong(0), row.getLong(1));
                });
    }

    /** Dry run: how many links a run now would prune (see {@link #pruneBatch}). One SELECT; changes nothing. */
    public Uni<Long> wouldPrune(Duration linkGrace) {
        return pool.preparedQuery("SELECT count(*) FROM repository_blob l WHERE" + LINK_PAST_GRACE + "AND" + STALE_LINK)
                .execute(Tuple.of(seconds(linkGrace)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Where a prune goes on from: the last link it looked at. */
    public record LinkKey(long repositoryId, String digest) {
        public static final LinkKey FIRST = new LinkKey(Long.MIN_VALUE, "");
    }

    /** One prune batch's outcome: links deleted, their blobs, and where the next batch starts (null: done). */
    public record Pruned(long links, Set<String> digests, LinkKey next) {
    }

    /**
     * Prunes up to {@code limit} stale links after {@code after} (in key order), in one transaction:
     * the links whose blob no manifest of their repository references, last linked longer ago than
     * {@code linkGrace}. Locks the blob rows first ({@code FOR UPDATE SKIP LOCKED}: a row a manifest
     * PUT or a link holds is left for the next run), then re-checks, in a later statement (a snapshot
     * taken after the lock), and deletes. See {@link BlobLiveness} for why a concurrent manifest PUT
     * cannot end up with an unlinked blob. The quota triggers see the deletes as any unlink.
     */
    public Uni<Pruned> pruneBatch(Duration linkGrace, LinkKey after, int limit) {
        double secs = seconds(linkGrace);
        return pool.withTransaction(db -> db.preparedQuery("""
                        SELECT l.repository_id, l.digest FROM repository_blob l JOIN blob b ON b.digest = l.digest
                        WHERE (l.repository_id, l.digest) > ($2, $3) AND""" + LINK_PAST_GRACE + "AND" + STALE_LINK + """
                        ORDER BY l.repository_id, l.digest LIMIT $4 FOR UPDATE OF b SKIP LOCKED""")
                .execute(Tuple.of(secs, after.repositoryId(), after.digest(), limit))
                .chain(rows -> {
                    List<Long> repos = new ArrayList<>();
                    List<String> digests = new ArrayList<>();
                    for (Row row : rows) {
                        repos.add(row.getLong(0));
                        digests.add(row.getString(1));
                    }
                    if (repos.isEmpty()) {
                        return Uni.createFrom().item(new Pruned(0, Set.of(), null));
                    }
                    LinkKey next = repos.size() < limit ? null : new LinkKey(repos.get(repos.size() - 1), digests.get(digests.size() - 1));
                    // A statement after the lock: it sees every manifest committed before it.
                    return db.preparedQuery("""
                                    DELETE FROM repository_blob l
                                    WHERE (l.repository_id, l.digest) IN (SELECT * FROM unnest($2::bigint[], $3::text[])) AND"""
                                    + LINK_PAST_GRACE + "AND" + STALE_LINK + "RETURNING l.digest")
                            .execute(Tuple.of(secs, repos.toArray(Long[]::new), digests.toArray(String[]::new)))
                            .map(deleted -> new Pruned(deleted.rowCount(), new HashSet<>(List.of(digests(deleted))), next));
                }))
                .invoke(pruned -> {
                    if (!pruned.digests().isEmpty()) {
                        // Every instance forgets its cached links to them (some may be another repository's: harmless).
                        going.announce(pruned.digests());
                    }
                });
    }

    private static double seconds(Duration d) {
        return (double) d.toMillis() / 1000;
    }

    /**
     * Mark: {@code live → marked} for every unreferenced blob past the grace, in one statement. Rows
     * a push holds right now are skipped (they are being revived). Returns how many were marked.
     */
    public Uni<Integer> mark(Duration grace) {
        return pool.preparedQuery("""
                        UPDATE blob SET state = 'marked', marked_at = now()
                        WHERE state = 'live' AND digest IN (
                            SELECT b.digest FROM blob b
                            WHERE b.state = 'live' AND COALESCE(b.revived_at, b.created_at) <= now() - make_interval(secs => $1)
                            AND """ + UNREFERENCED + """
                             FOR UPDATE SKIP LOCKED)""")
                .execute(Tuple.of((double) grace.toMillis() / 1000))
                .map(rows -> rows.rowCount());
    }

    /**
     * Sweeps up to {@code limit} marked blobs: locks them, re-checks (after the lock) that nothing
     * links or references them, moves those {@code marked → deleting} and the others back to live, then
     * deletes their bytes and rows ({@link #finishDeleting}). Returns what went and whether any marked
     * row was looked at (false: no marked row is left that nobody holds).
     */
    public Uni<Sweep> sweepBatch(int limit) {
        return pool.withTransaction(db -> db
                .preparedQuery("SELECT digest FROM blob WHERE state = 'marked' ORDER BY digest LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit))
                .chain(rows -> {
                    String[] locked = digests(rows);
                    if (locked.length == 0) {
                        return Uni.createFrom().item(new String[0][]);
                    }
                    // A statement after the lock: it sees every link and reference committed before it.
                    return db.preparedQuery("UPDATE blob b SET state = 'deleting' WHERE b.digest = ANY($1) AND b.state = 'marked' AND "
                                    + UNREFERENCED + " RETURNING b.digest")
                            .execute(Tuple.of(locked))
                            .chain(deleting -> db.preparedQuery(
                                            "UPDATE blob SET state = 'live', marked_at = NULL WHERE digest = ANY($1) AND state = 'marked'")
                                    .execute(Tuple.of(locked))
                                    .map(revived -> new String[][] {locked, digests(deleting)}));
                }))
                .chain(result -> {
                    if (result.length == 0) {
                        return Uni.createFrom().item(new Sweep(Freed.NONE, false));
                    }
                    going.announce(Set.of(result[1]));
                    return finishDeleting(limit).map(freed -> new Sweep(freed, true));
                });
    }

    /** One sweep batch's outcome. */
    public record Sweep(Freed freed, boolean lookedAtAny) {
    }

    /**
     * Deletes the bytes, then the rows, of up to {@code limit} blobs in {@code deleting} (this run's,
     * or a crashed run's), holding their rows from before the first byte goes until the rows are
     * gone: a commit of the same digest waits, then writes the bytes anew.
     */
    public Uni<Freed> finishDeleting(int limit) {
        return pool.withTransaction(db -> db
                .preparedQuery("SELECT digest, size FROM blob WHERE state = 'deleting' ORDER BY digest LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit))
                .chain(rows -> {
                    List<String> digests = new ArrayList<>();
                    long bytes = 0;
                    for (Row row : rows) {
                        digests.add(row.getString(0));
                        bytes += row.getLong(1);
                    }
                    if (digests.isEmpty()) {
                        return Uni.createFrom().item(Freed.NONE);
                    }
                    going.announce(new HashSet<>(digests));
                    long total = bytes;
                    return deleteBytes(digests)
                            .chain(() -> db.preparedQuery("DELETE FROM blob WHERE digest = ANY($1) AND state = 'deleting'")
                                    .execute(Tuple.of((Object) digests.toArray(String[]::new))))
                            .map(deleted -> new Freed(deleted.rowCount(), total));
                }));
    }

    private Uni<Void> deleteBytes(List<String> digests) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String digest : digests) {
            chain = chain.chain(() -> store.delete(digest)).replaceWithVoid();
        }
        return chain;
    }

    private static String[] digests(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row row : rows) {
            out.add(row.getString(0));
        }
        return out.toArray(String[]::new);
    }
}
