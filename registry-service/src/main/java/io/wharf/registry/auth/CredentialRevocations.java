package io.wharf.registry.auth;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.config.PgChannels;

/**
 * Makes a revocation reach every registry instance at once: each instance remembers verified Basic
 * credentials for a minute ({@link Authenticator}), so when one instance forgets them after a password
 * change, a deleted token or a rotated robot secret, it tells the others through PostgreSQL
 * ({@code NOTIFY wharf_credentials}), which they all share, and they forget theirs too. While an
 * instance is not listening (its connection dropped), it remembers nothing it may have missed: on
 * every (re)connection it forgets everything.
 */
@ApplicationScoped
public class CredentialRevocations {
    private static final Logger LOG = Logger.getLogger(CredentialRevocations.class);

    /** The PostgreSQL channel revocations are announced on. */
    public static final String CHANNEL = "wharf_credentials";

    private final String instance = UUID.randomUUID().toString();
    private final Authenticator authenticator;
    private final Pool pool;
    private final PgChannels channels;
    private PgSubscriber subscriber;

    public CredentialRevocations(Authenticator authenticator, Pool pool, PgChannels channels) {
        this.authenticator = authenticator;
        this.pool = pool;
        this.channels = channels;
    }

    void listen(@Observes StartupEvent start) {
        subscriber = channels.subscriber();
        subscriber.channel(CHANNEL).handler(from -> {
            if (!instance.equals(from)) {
                authenticator.forgetLocally();
            }
        }).subscribeHandler(() -> authenticator.forgetLocally());
        subscriber.connect().subscribe().with(
                connected -> LOG.debugf("listening for credential revocations on %s", CHANNEL),
                failure -> LOG.warnf("cannot listen for credential revocations yet (retrying): %s", failure.toString()));
        authenticator.onForget(this::announce);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Tells the other instances to forget remembered credentials. */
    private void announce() {
        pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(CHANNEL, instance)).subscribe().with(
                sent -> { },
                failure -> LOG.warnf("could not announce a credential revocation to other instances: %s", failure.toString()));
    }
}
