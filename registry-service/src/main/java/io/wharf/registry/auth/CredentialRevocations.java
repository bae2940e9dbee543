package io.wharf.registry.auth;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.wharf.pg.PgChannels;

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
    /** The PostgreSQL channel revocations are announced on. */
    public static final String CHANNEL = "wharf_credentials";

    private final String instance = UUID.randomUUID().toString();
    private final Authenticator authenticator;
    private final PgChannels channels;
    private PgSubscriber subscriber;

    public CredentialRevocations(Authenticator authenticator, PgChannels channels) {
        this.authenticator = authenticator;
        this.channels = channels;
    }

    void listen(@Observes StartupEvent start) {
        subscriber = channels.listen(CHANNEL, from -> {
            if (!instance.equals(from)) {
                authenticator.forgetLocally();
            }
        }, authenticator::forgetLocally, "credential revocations");
        authenticator.onForget(this::announce);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Tells the other instances to forget remembered credentials. */
    private void announce() {
        channels.send(CHANNEL, instance, "a credential revocation");
    }
}
