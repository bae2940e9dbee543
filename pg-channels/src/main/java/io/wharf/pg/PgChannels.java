package io.wharf.pg;

import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

/**
 * PostgreSQL {@code LISTEN/NOTIFY}, for what every instance of a service must hear at once when
 * several share one database. PostgreSQL delivers a notice to every session listening on its channel
 * when the transaction that sent it commits, and never one whose transaction rolled back; a session
 * that is not connected at that moment misses it, so a listener must treat every (re)connection as
 * "anything may have changed".
 */
@ApplicationScoped
public class PgChannels {
    private static final Logger LOG = Logger.getLogger(PgChannels.class);

    /** How long a dropped listener waits before it connects again, in milliseconds. */
    static final long RECONNECT_DELAY_MILLIS = 1000;

    private final Vertx vertx;
    private final Pool pool;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;

    public PgChannels(Vertx vertx, Pool pool,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.pool = pool;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * A subscriber to the first server of the datasource's reactive URL, with its credentials, that
     * reconnects every second after a drop (its subscribe handler runs again on each connection).
     * The caller connects it, and closes it on shutdown.
     */
    public PgSubscriber subscriber() {
        return PgSubscriber.subscriber(vertx, connectOptions(url, username, password))
                .reconnectPolicy(attempt -> RECONNECT_DELAY_MILLIS);
    }

    /**
     * Listens on {@code channel} with a {@link #subscriber()} of its own, already connecting when this
     * returns: {@code notice} gets each payload; {@code connected} (null: nothing) runs on every
     * connection, the first one included, since notices sent while it was not connected are lost. The
     * caller closes the subscriber on shutdown. {@code what} names what is listened for, in the log.
     */
    public PgSubscriber listen(String channel, Consumer<String> notice, Runnable connected, String what) {
        PgSubscriber subscriber = subscriber();
        subscriber.channel(channel).handler(notice::accept).subscribeHandler(connected == null ? () -> { } : connected);
        subscriber.connect().subscribe().with(
                ok -> LOG.debugf("listening for %s on %s", what, channel),
                failure -> LOG.warnf("cannot listen for %s on %s yet (retrying): %s", what, channel, failure.toString()));
        return subscriber;
    }

    /**
     * Sends {@code payload} (under 8000 bytes) to every session listening on {@code channel}, this
     * instance's included, in a statement of its own: call it after the change it announces has
     * committed. Best effort: a failure is logged ({@code what} says what could not be announced),
     * never thrown; listeners rely on their reconnections and their own expiry for what they miss.
     */
    public void send(String channel, String payload, String what) {
        pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(channel, payload)).subscribe().with(
                sent -> { },
                failure -> LOG.warnf("could not announce %s on %s: %s", what, channel, failure.toString()));
    }

    /** The connection options of the first server of a reactive datasource URL ({@code vertx-reactive:} prefix allowed). */
    static PgConnectOptions connectOptions(String url, Optional<String> username, Optional<String> password) {
        String first = url.split(",")[0].trim();
        String prefix = "vertx-reactive:";
        PgConnectOptions options = PgConnectOptions.fromUri(first.startsWith(prefix) ? first.substring(prefix.length()) : first);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        return options;
    }
}
