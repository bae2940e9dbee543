package io.wharf.registry.gc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.wharf.pg.PgChannels;

/**
 * Tells every registry instance which blobs garbage collection is deleting, through PostgreSQL
 * ({@code NOTIFY wharf_gc_blobs}, digests separated by commas), so that each forgets the links it
 * cached ({@link BlobsGoing}) at once instead of after the cache's time to live. Best effort: safety
 * does not depend on it (see {@link BlobLiveness}); it only keeps another instance from answering a
 * HEAD with 200 for a blob whose link went through another instance and whose bytes are now gone.
 */
@ApplicationScoped
public class BlobsGoingNotices {
    /** The PostgreSQL channel. */
    public static final String CHANNEL = "wharf_gc_blobs";
    /** NOTIFY payloads stay well under PostgreSQL's 8000 bytes: digests per notice. */
    static final int PER_NOTICE = 50;

    private final Event<BlobsGoing> going;
    private final PgChannels channels;
    private PgSubscriber subscriber;

    public BlobsGoingNotices(Event<BlobsGoing> going, PgChannels channels) {
        this.going = going;
        this.channels = channels;
    }

    void listen(@Observes StartupEvent start) {
        subscriber = channels.listen(CHANNEL, payload -> going.fire(new BlobsGoing(Set.of(payload.split(",")))), null, "collected blobs");
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Tells every instance (this one included) to forget its cached links to these blobs. */
    void announce(Set<String> digests) {
        going.fire(new BlobsGoing(digests));
        List<String> all = new ArrayList<>(digests);
        for (int i = 0; i < all.size(); i += PER_NOTICE) {
            String payload = String.join(",", all.subList(i, Math.min(all.size(), i + PER_NOTICE)));
            channels.send(CHANNEL, payload, "collected blobs");
        }
    }
}
