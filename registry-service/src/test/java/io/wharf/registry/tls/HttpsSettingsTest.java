package io.wharf.registry.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

/** Which settings WHARF_TLS_CERT and WHARF_TLS_KEY give Quarkus: both or neither, never one. */
class HttpsSettingsTest {

    @Test
    void bothGiveTheHttpServerATlsConfigurationWithThePemFiles() {
        ConfigSource source = new HttpsSettings().getConfigSources(context(Map.of("wharf.tls.cert", "/etc/wharf/tls.crt",
                "wharf.tls.key", "/etc/wharf/tls.key"))).iterator().next();
        assertEquals("wharf-https", source.getValue("quarkus.http.tls-configuration-name"));
        assertEquals("/etc/wharf/tls.crt", source.getValue("quarkus.tls.wharf-https.key-store.pem.0.cert"));
        assertEquals("/etc/wharf/tls.key", source.getValue("quarkus.tls.wharf-https.key-store.pem.0.key"));
    }

    @Test
    void neitherOrBlankLeavesHttpsOff() {
        assertFalse(new HttpsSettings().getConfigSources(context(Map.of())).iterator().hasNext());
        assertFalse(new HttpsSettings().getConfigSources(context(Map.of("wharf.tls.cert", " ", "wharf.tls.key", ""))).iterator().hasNext());
    }

    @Test
    void aCertificateWithoutItsKeyOrTheOtherWayRoundIsRefused() {
        for (String given : new String[] {"wharf.tls.cert", "wharf.tls.key"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new HttpsSettings().getConfigSources(context(Map.of(given, "/etc/wharf/x.pem"))));
            assertTrue(e.getMessage().contains("set WHARF_TLS_CERT and WHARF_TLS_KEY"), e.getMessage());
        }
    }

    private static ConfigSourceContext context(Map<String, String> values) {
        return new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                return ConfigValue.builder().withName(name).withValue(values.get(name)).build();
            }

            @Override
            public Iterator<String> iterateNames() {
                return values.keySet().iterator();
            }
        };
    }
}
