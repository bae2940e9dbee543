package io.wharf.registry.auth;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

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
    private final Vertx vertx;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    public CredentialRevocations(Authenticator authenticator, Pool pool, Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.authenticator = authenticator;
        this.pool = pool;
        this.vertx = vertx;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    void listen(@Observes StartupEvent start) {
        String first = url.split(",")[0].trim();
        PgConnectOptions options = PgConnectOptions.fromUri(first.startsWith("vertx-reactive:") ? first.substring("vertx-reactive:".length()) : first);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> 1000L);
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
