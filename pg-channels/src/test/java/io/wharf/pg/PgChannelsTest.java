package io.wharf.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgConnectOptions;

class PgChannelsTest {

    @Test
    void listensToTheFirstServerOfAReactiveUrlWithTheDatasourceCredentials() {
        PgConnectOptions options = PgChannels.connectOptions(
                "vertx-reactive:postgresql://db-a:5433/wharf, postgresql://db-b:5432/wharf", Optional.of("wharf"), Optional.of("secret"));
        assertEquals("db-a", options.getHost());
        assertEquals(5433, options.getPort());
        assertEquals("wharf", options.getDatabase());
        assertEquals("wharf", options.getUser());
        assertEquals("secret", options.getPassword());
    }

    @Test
    void keepsTheUrlsCredentialsWhenTheDatasourceHasNone() {
        PgConnectOptions options = PgChannels.connectOptions("postgresql://reader:pw@127.0.0.1/registry", Optional.empty(), Optional.empty());
        assertEquals("127.0.0.1", options.getHost());
        assertEquals("registry", options.getDatabase());
        assertEquals("reader", options.getUser());
        assertEquals("pw", options.getPassword());
    }
}
