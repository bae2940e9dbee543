package io.wharf.registry.tls;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * HTTPS served by the registry itself when the operator gives a certificate: {@code wharf.tls.cert} and
 * {@code wharf.tls.key} ({@code WHARF_TLS_CERT}, {@code WHARF_TLS_KEY}), PEM files (the certificate file
 * may hold the chain after it). With both set, this source names a Quarkus TLS registry configuration
 * ({@value #CONFIGURATION}) holding them and gives it to the HTTP server, which then listens on
 * {@code quarkus.http.ssl-port} ({@code WHARF_TLS_PORT}, 5443) as well as on its plain port. With neither
 * set it is empty and nothing changes (no TLS listener); with only one set the registry refuses to start,
 * rather than start without the HTTPS the operator asked for. The values are defaults (ordinal
 * {@value #ORDINAL}): {@code quarkus.tls.*} settings of the operator's own come first.
 */
public class HttpsSettings implements ConfigSourceFactory {

    static final String CONFIGURATION = "wharf-https";
    static final int ORDINAL = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String cert = value(context, "wharf.tls.cert");
        String key = value(context, "wharf.tls.key");
        if (cert == null && key == null) {
            return List.of();
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("HTTPS needs both a certificate and its private key: set WHARF_TLS_CERT and WHARF_TLS_KEY "
                    + "(wharf.tls.cert, wharf.tls.key) to PEM files, or neither");
        }
        String prefix = "quarkus.tls." + CONFIGURATION + ".key-store.pem.0.";
        return List.of(new PropertiesConfigSource(Map.of(
                prefix + "cert", cert,
                prefix + "key", key,
                "quarkus.http.tls-configuration-name", CONFIGURATION), "wharf HTTPS (wharf.tls.cert, wharf.tls.key)", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue().trim();
    }
}
