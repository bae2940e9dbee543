package io.wharf.registry.proxy;

import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.wharf.outbound.AddressGuard;
import io.wharf.outbound.RefusedAddressException;
import io.wharf.registry.identity.RequestRefused;

/**
 * Where an upstream may be, checked when a proxy project is created: the shared SSRF guard
 * ({@link AddressGuard}) under {@code wharf.proxy.outbound} ({@code allow-private},
 * {@code allowed-networks}), as the notifier's and deployer's outbound policy. A host that resolves to a
 * loopback, link-local, private or metadata address outside the allowed networks is refused; a name that
 * does not resolve (yet) passes, and its requests fail as an unreachable upstream's.
 */
@ApplicationScoped
public class UpstreamAddresses {

    private final AddressGuard guard;
    private final Vertx vertx;

    public UpstreamAddresses(ProxyConfig config, Vertx vertx) {
        this.guard = new AddressGuard(config.outbound().allowPrivate(), config.outbound().allowedNetworks().orElse(List.of()));
        this.vertx = vertx;
    }

    /** Resolves the URL's host off the event loop; fails (INVALID) when an address it names is not allowed. */
    Uni<Void> check(URI url) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                guard.resolve(url.getHost());
            } catch (UnknownHostException unresolved) {
                // Checked as any unreachable upstream when asked.
            } catch (RefusedAddressException e) {
                throw RequestRefused.invalid("proxy.url: " + e.getMessage()
                        + " (wharf.proxy.outbound.allowed-networks or allow-private let such upstreams through)");
            }
            return Boolean.TRUE;
        })).replaceWithVoid();
    }
}
