package io.wharf.registry.config;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/** PostgreSQL LISTEN connections, for what every instance must hear at once (revocations, collected blobs). */
@ApplicationScoped
public class PgChannels {

    private final Vertx vertx;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;

    public PgChannels(Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * A subscriber to the first server of the datasource's reactive URL, with its credentials, that
     * reconnects every second after a drop (its subscribe handler runs again on each connection).
     */
    public PgSubscriber subscriber() {
        String first = url.split(",")[0].trim();
        PgConnectOptions options = PgConnectOptions.fromUri(first.startsWith("vertx-reactive:") ? first.substring("vertx-reactive:".length()) : first);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        return PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> 1000L);
    }
}
