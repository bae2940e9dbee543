package io.wharf.registry.gc;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.registry.oci.OciError;

/**
 * What pushes and pulls do so that garbage collection never takes bytes something still needs. The
 * calls here run in the caller's Hibernate Reactive session (the ones marked so, in its transaction).
 *
 * <h2>States</h2>
 * A {@code blob} row is {@code live}, {@code marked} (a run found nothing referring to it) or
 * {@code deleting} (a run is removing its bytes; the row goes after the bytes: "gone"). A blob is a
 * candidate only when no {@code repository_blob} row links it, no {@code manifest_reference} names it,
 * and it is older than the grace ({@code wharf.gc.grace}, counted from the later of its creation and
 * its last revival).
 *
 * <h2>The locking rule that makes it safe</h2>
 * Whoever adds something that keeps a blob alive holds the blob's row lock while doing it, and checks
 * the state under that lock:
 * <ul>
 *   <li>a link (blob commit, cross-repository mount) takes {@code FOR UPDATE} on the row, refuses a
 *       {@code deleting} blob (a mount falls back to an upload), sets it {@code live} and inserts the
 *       link in the same transaction; a blob commit takes the lock <em>before</em> the store commits
 *       the bytes, so a delete cannot run between the store keeping the existing bytes and the row
 *       saying {@code live};</li>
 *   <li>a manifest PUT takes {@code FOR SHARE} on the rows of every blob it references, in its own
 *       transaction, and refuses ({@code MANIFEST_BLOB_UNKNOWN}) any that is {@code deleting} or gone,
 *       or that its repository no longer links (looked at in a statement after the lock).</li>
 * </ul>
 * The sweep locks candidate rows first ({@code FOR UPDATE SKIP LOCKED}: a row a push holds is left for
 * the next run) and only then, in a later statement of the same transaction (so with a snapshot taken
 * after the lock), re-checks that nothing links or references the blob, moving it {@code marked →
 * deleting}. So every link or reference either committed before that check (and is seen) or waits for
 * the lock and then sees {@code deleting}. Hence: <b>a {@code deleting} row has no link and no
 * reference</b>, and no new one can appear. The bytes are then deleted in another transaction that
 * holds the row lock from before the delete until the row is gone, so a commit of the same digest
 * waits and then writes the bytes anew (or, after a crash, finds the row still {@code deleting},
 * takes it over and keeps or rewrites the bytes).
 *
 * <h2>Pruning stale links</h2>
 * A run first deletes the links ({@code repository_blob}) whose blob no manifest <em>of that
 * repository</em> references and that were last linked longer ago than the grace
 * ({@link GarbageCollector#pruneBatch}): the layers of deleted manifests, aborted pushes, unlinked
 * leftovers. It locks the blob rows {@code FOR UPDATE SKIP LOCKED} (a row a manifest PUT or a link
 * holds is left for the next run), then, in a later statement of the same transaction, re-checks that
 * no manifest of the repository references the blob and deletes the link. A manifest PUT that
 * references the blob either committed before that statement (its references are seen, the link
 * stays), or holds the row (skipped), or takes the row after the prune committed and then finds the
 * link gone ({@link #holdForManifest} looks at the links after its lock) and is refused with
 * {@code MANIFEST_BLOB_UNKNOWN}: the client uploads the blob again. So no manifest is ever stored
 * whose blob its repository does not link, and a blob a stored manifest references keeps its link.
 *
 * <p>The grace is what keeps pushes in progress from being refused like that: a push links its blobs
 * before its manifest arrives. {@code linked_at} is when a client last linked the blob in the
 * repository, not when the link was first made: an upload or mount of a blob the repository links
 * already refreshes it ({@link #linkLive}), and so does a read through the database (a HEAD that
 * misses the cache, the way a client learns it need not upload: {@link #revive}). So a push that
 * re-uses the dangling link of a deleted image (its HEAD says 200) has the grace from that HEAD to its
 * manifest, as a fresh upload has (less the second {@link #revive} may skip). Only a HEAD answered from
 * an instance's cache does not refresh the link; at worst such a push, with a link older than the
 * grace, is refused at its manifest and uploads again: never a broken image. Pruned links are
 * announced like deleted blobs ({@link BlobsGoingNotices}), so the caches forget them and the next
 * HEAD answers 404.
 *
 * <h2>Reads and the caches</h2>
 * A blob HEAD/GET is answered only through a repository that links it, and {@code MetadataCache}
 * remembers only links that existed. Since a {@code deleting} blob has no link, the database path
 * answers 404 {@code BLOB_UNKNOWN} for it without asking its state. A cached entry can outlive its
 * link only when the link was removed (blob DELETE, repository deletion) through another instance,
 * for at most {@code wharf.registry.cache.content-ttl}; if GC frees the blob meanwhile, a GET from that
 * cache finds the bytes absent and answers 404 {@code BLOB_UNKNOWN}, and a HEAD's 200 leads at worst
 * to a manifest PUT that the database refuses ({@code MANIFEST_BLOB_UNKNOWN}): never a manifest that
 * points at missing bytes. Besides, the instance that runs GC tells every instance which blobs it is
 * deleting ({@link BlobsGoingNotices}), and each drops its cached links to them at once. A read through the database of a blob that is {@code marked} (a mark that raced with a new
 * link; the sweep would skip it anyway) moves it back to {@code live}: one indexed update, only on a
 * cache miss.
 */
@ApplicationScoped
public class BlobLiveness {

    public static final String LIVE = "live";
    public static final String MARKED = "marked";
    public static final String DELETING = "deleting";

    private final jakarta.enterprise.event.Event<BlobsGoing> going;

    public BlobLiveness(jakarta.enterprise.event.Event<BlobsGoing> going) {
        this.going = going;
    }

    /**
     * Commits an upload's bytes and links the blob to the repository, in one transaction that holds
     * the blob's row (if it exists) from before the store commits until the row says {@code live}.
     * Must run inside a transaction. Returns the blob's size.
     */
    public Uni<Long> commitAndLink(long repositoryId, String digest, Supplier<Uni<Long>> storeCommit) {
        // The store may finish on another thread: the session goes on on the one it was opened on.
        Context context = Vertx.currentContext();
        return lock(digest).chain(state -> storeCommit.get().emitOn(task -> context.runOnContext(v -> task.run())))
                .call(size -> linkLive(repositoryId, digest, size));
    }

    /**
     * Links an existing blob to the repository (a mount), unless GC is deleting it: false then, and the
     * client uploads it again. Must run inside a transaction.
     */
    public Uni<Boolean> link(long repositoryId, String digest, long size) {
        return lock(digest).chain(state -> DELETING.equals(state)
                ? Uni.createFrom().item(false)
                : linkLive(repositoryId, digest, size).replaceWith(true));
    }

    /**
     * Holds the rows of the blobs a manifest about to be stored references (until the transaction
     * ends), and refuses the manifest when one is being deleted, or when the repository no longer links
     * one (a run pruned the link before this lock: looked at in a statement after it). Must run inside
     * the manifest's transaction.
     */
    public Uni<Void> holdForManifest(long repositoryId, Collection<String> digests) {
        if (digests.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT digest FROM blob WHERE digest IN (:digests) AND state <> 'deleting' ORDER BY digest FOR SHARE",
                        String.class)
                .setParameter("digests", digests)
                .getResultList())
                .invoke(held -> {
                    List<String> missing = digests.stream().filter(d -> !held.contains(d)).toList();
                    if (!missing.isEmpty()) {
                        throw OciError.MANIFEST_BLOB_UNKNOWN.exception("blob being deleted, upload it again: " + String.join(", ", missing));
                    }
                })
                // A statement after the lock: sees a prune that committed before it.
                .chain(held -> Panache.getSession().chain(session -> session
                        .createNativeQuery("SELECT digest FROM repository_blob WHERE repository_id = :repo AND digest IN (:digests)", String.class)
                        .setParameter("repo", repositoryId)
                        .setParameter("digests", digests)
                        .getResultList()))
                .invoke(linked -> {
                    List<String> unlinked = digests.stream().filter(d -> !linked.contains(d)).toList();
                    if (!unlinked.isEmpty()) {
                        // A HEAD may have cached the link before the prune: forget it, so the client uploads again.
                        going.fire(new BlobsGoing(java.util.Set.copyOf(unlinked)));
                        throw OciError.MANIFEST_BLOB_UNKNOWN.exception("blob no longer linked, upload it again: " + String.join(", ", unlinked));
                    }
                })
                .replaceWithVoid();
    }

    /**
     * A read through the database found the blob linked in the repository: moves a marked blob back to
     * live, and refreshes the link's {@code linked_at} when it is older than a second (a HEAD is how a
     * push learns it may re-use the link; at most one write a second per link, and only on a cache miss). Needs a session.
     */
    public Uni<Void> revive(String repository, String digest) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("UPDATE blob SET state = 'live', marked_at = NULL, revived_at = now() WHERE digest = :digest AND state = 'marked'")
                .setParameter("digest", digest)
                .executeUpdate()
                .chain(() -> session.createNativeQuery("""
                                UPDATE repository_blob l SET linked_at = now() FROM repository r
                                WHERE r.name = :name AND l.repository_id = r.id AND l.digest = :digest
                                AND l.linked_at < now() - interval '1 second'""")
                        .setParameter("name", repository)
                        .setParameter("digest", digest)
                        .executeUpdate()))
                .replaceWithVoid();
    }

    /** The blob's state, its row locked for the transaction; null when there is no row. */
    private static Uni<String> lock(String digest) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT state FROM blob WHERE digest = :digest FOR UPDATE", String.class)
                .setParameter("digest", digest)
                .getSingleResultOrNull());
    }

    /**
     * Records the blob (if new) as live (reviving it if it was not) and links it to the repository, or
     * refreshes the link's {@code linked_at} when it exists (a push in progress re-uses it). Two
     * statements, in the order every writer takes these rows: the blob's row first (the upsert locks it,
     * also when the row is live and nothing changes), then the link (whose quota trigger then locks the
     * project's usage). One statement with both in a CTE deadlocked: PostgreSQL ran the link's insert
     * before the blob's, so two pushes of one new layer, one of which had already locked the blob's row
     * in {@link #lock}, waited for each other.
     */
    private static Uni<Void> linkLive(long repositoryId, String digest, long size) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        INSERT INTO blob (digest, size) VALUES (:digest, :size)
                        ON CONFLICT (digest) DO UPDATE SET state = 'live', marked_at = NULL, revived_at = now()
                        WHERE blob.state <> 'live'""")
                .setParameter("digest", digest)
                .setParameter("size", size)
                .executeUpdate()
                .chain(() -> session.createNativeQuery("""
                                INSERT INTO repository_blob (repository_id, digest) VALUES (:repo, :digest)
                                ON CONFLICT (repository_id, digest) DO UPDATE SET linked_at = now()""")
                        .setParameter("repo", repositoryId)
                        .setParameter("digest", digest)
                        .executeUpdate()))
                .replaceWithVoid();
    }
}
