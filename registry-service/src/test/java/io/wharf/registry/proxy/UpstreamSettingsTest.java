package io.wharf.registry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.wharf.registry.identity.RequestRefused;

/** How a proxy project's settings are read: the upstream URL, the tag-check interval, and upstream paths. */
class UpstreamSettingsTest {

    @Test
    void oneComponentNamesAreUnderLibraryOnDockerHubOnly() {
        Upstream hub = new Upstream("hub", URI.create("https://registry-1.docker.io"), null, null, Duration.ZERO);
        assertEquals("library/nginx", hub.path("hub/nginx"));
        assertEquals("bitnami/redis", hub.path("hub/bitnami/redis"));
        Upstream other = new Upstream("q", URI.create("https://quay.example/base"), null, null, Duration.ZERO);
        assertEquals("nginx", other.path("q/nginx"));
        assertEquals(URI.create("https://quay.example/base/v2/nginx/manifests/v1"), other.resource("nginx", "manifests", "v1"));
    }

    @Test
    void urlsAreAbsoluteHttpWithoutCredentialsAndLoseTheirTrailingSlash() {
        assertEquals(URI.create("https://registry.example"), ProxyProjects.upstreamUrl("https://registry.example/"));
        assertEquals(URI.create("http://127.0.0.1:5000/mirror"), ProxyProjects.upstreamUrl(" HTTP://127.0.0.1:5000/mirror/ "));
        for (String bad : new String[] {"ftp://x.example", "x.example", "https://u:p@x.example", "https://x.example/#f", "https:///v2", "a b"}) {
            assertThrows(RequestRefused.class, () -> ProxyProjects.upstreamUrl(bad), bad);
        }
    }

    @Test
    void intervalsReadAndPrintInTheirLargestUnit() {
        assertEquals(Duration.ofMinutes(5), ProxyProjects.interval("5m"));
        assertEquals(Duration.ZERO, ProxyProjects.interval("0s"));
        assertEquals("5m", ProxyProjects.format(Duration.ofMinutes(5)));
        assertEquals("90s", ProxyProjects.format(Duration.ofSeconds(90)));
        assertEquals("24h", ProxyProjects.format(ProxyProjects.interval("1440m")));
        assertEquals("0s", ProxyProjects.format(Duration.ZERO));
        for (String bad : new String[] {"5", "5d", "1441m", "-1s", "5 m", "99999999s"}) {
            assertThrows(RequestRefused.class, () -> ProxyProjects.interval(bad), bad);
        }
    }

    @Test
    void onlyFailuresOfAnUpstreamInTroubleAreTransient() {
        assertEquals(true, new UpstreamException(0, "unreachable").transientFailure());
        assertEquals(true, new UpstreamException(429, "slow down").transientFailure());
        assertEquals(true, new UpstreamException(503, "down").transientFailure());
        assertEquals(false, new UpstreamException(404, "absent").transientFailure());
    }
}
