package io.wharf.registry.config;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.wharf.pg.PgChannels;
import io.wharf.registry.config.CachedStateChanged.State;

/**
 * Keeps the caches of every registry instance sharing the database in step: each caches project
 * visibility and memberships, tag immutability rules and quotas for a few seconds, and manifests for a
 * minute, so when a change to one of them commits on one instance (a manifest: its deletion), that
 * instance announces it through PostgreSQL ({@code NOTIFY wharf_cached_state}, payload
 * {@code <instance> <state> <key or *>}, see {@link CachedStateChanged}) and every other
 * instance forgets what it cached ({@link CachedStateChanged}) within moments of the commit. An instance
 * does not act on its own announcements (it forgot at once, before announcing). While an instance's
 * listener is not connected it may miss announcements: on every (re)connection it forgets everything.
 * The caches' own expiry stays as the safety net for an announcement lost between a commit and its
 * {@code NOTIFY} (a crash in between).
 */
@ApplicationScoped
public class CacheNotices {
    private static final Logger LOG = Logger.getLogger(CacheNotices.class);

    /** The PostgreSQL channel changes are announced on. */
    public static final String CHANNEL = "wharf_cached_state";
    /** The payload's key when everything is concerned. */
    static final String EVERYTHING = "*";

    private final String instance = UUID.randomUUID().toString();
    private final Event<CachedStateChanged> changed;
    private final PgChannels channels;
    private PgSubscriber subscriber;

    public CacheNotices(Event<CachedStateChanged> changed, PgChannels channels) {
        this.changed = changed;
        this.channels = channels;
    }

    void listen(@Observes StartupEvent start) {
        subscriber = channels.listen(CHANNEL, this::received, this::forgetEverything, "cached state changes");
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * Tells the other instances that {@code state} of {@code key} (null: of everything) changed.
     * Call it once the change has committed, after forgetting this instance's cached state.
     */
    public void announce(State state, String key) {
        channels.send(CHANNEL, instance + " " + state + " " + (key == null ? EVERYTHING : key), "a cached state change");
    }

    private void received(String payload) {
        String[] parts = payload.split(" ", 3);
        if (parts.length != 3 || instance.equals(parts[0])) {
            return;
        }
        State state;
        try {
            state = State.valueOf(parts[1]);
        } catch (IllegalArgumentException e) {
            LOG.warnf("unknown cached state in a notice on %s (forgetting everything): %s", CHANNEL, payload);
            forgetEverything();
            return;
        }
        changed.fire(new CachedStateChanged(state, EVERYTHING.equals(parts[2]) ? null : parts[2]));
    }

    /** Every cache forgets everything: announcements may have been missed. */
    private void forgetEverything() {
        for (State state : State.values()) {
            changed.fire(new CachedStateChanged(state, null));
        }
    }
}
