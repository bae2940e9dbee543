package io.wharf.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.wharf.notifier.channel.OutboundGuard;
import io.wharf.notifier.channel.RefusedTargetException;

/** The SSRF guard with its default settings, and with an allow-list. */
class OutboundGuardTest {

    private final OutboundGuard defaults = new OutboundGuard(false, List.of(), null);

    @Test
    void refusesLoopbackPrivateLinkLocalAndMetadataAddressesByDefault() {
        for (String url : List.of("http://127.0.0.1/", "http://localhost:8080/", "http://10.0.0.5/", "http://172.16.3.4/",
                "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
                "http://0.0.0.0/", "http://[::1]/", "http://[fd00:ec2::254]/", "http://[fe80::1]/",
                "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/")) {
            assertThrows(RefusedTargetException.class, () -> defaults.check(URI.create(url)), url);
        }
    }

    @Test
    void allowsPublicAddresses() throws Exception {
        assertEquals("93.184.215.14", defaults.check(URI.create("https://93.184.215.14/hook")).getHostAddress());
    }

    @Test
    void allowListOpensOnlyTheListedNetwork() {
        OutboundGuard guard = new OutboundGuard(false, List.of("127.0.0.1/32"), null);
        assertEquals("127.0.0.1", guard.check(URI.create("http://127.0.0.1:8080/")).getHostAddress());
        assertThrows(RefusedTargetException.class, () -> guard.check(URI.create("http://127.0.0.2/")));
        assertThrows(RefusedTargetException.class, () -> guard.check(URI.create("http://10.0.0.1/")));
    }
}
