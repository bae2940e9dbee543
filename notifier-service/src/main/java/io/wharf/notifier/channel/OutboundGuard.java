package io.wharf.notifier.channel;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.wharf.notifier.config.NotifierConfig;
import io.wharf.outbound.AddressGuard;
import io.wharf.outbound.RefusedAddressException;

/**
 * The notifier's SSRF guard: the shared {@link AddressGuard} under {@code wharf.notifier.outbound}
 * ({@code allow-private}, {@code allowed-networks}), run off the event loop, its outcomes in the
 * notifier's terms. Checked when a subscription is saved and again at send time on the resolved
 * address, which is the address then connected to (no second lookup to rebind).
 */
@ApplicationScoped
public class OutboundGuard {

    private final AddressGuard guard;
    private final Vertx vertx;

    @Inject
    public OutboundGuard(NotifierConfig config, Vertx vertx) {
        this(config.outbound().allowPrivate(), config.outbound().allowedNetworks().orElse(List.of()), vertx);
    }

    public OutboundGuard(boolean allowPrivate, List<String> allowedNetworks, Vertx vertx) {
        this.guard = new AddressGuard(allowPrivate, allowedNetworks);
        this.vertx = vertx;
    }

    /** Resolves the URL's host off the event loop; fails as {@link #check} does. */
    public Uni<InetAddress> resolve(URI url) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> check(url)));
    }

    /**
     * Resolves and checks, blocking; the address to connect to.
     *
     * @throws RefusedTargetException     when the URL has no host or the host is not allowed (final)
     * @throws UnreachableTargetException when the name does not resolve (yet)
     */
    public InetAddress check(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw new RefusedTargetException("URL has no host");
        }
        try {
            return guard.resolve(host);
        } catch (UnknownHostException e) {
            throw new UnreachableTargetException("cannot resolve " + host);
        } catch (RefusedAddressException e) {
            throw new RefusedTargetException(e.getMessage());
        }
    }
}
