package io.wharf.notifier.channel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.wharf.notifier.config.NotifierConfig;

/**
 * Keeps notifications away from the notifier's own network (SSRF): a target whose host resolves
 * to a loopback, link-local (cloud metadata included), private, unique-local, carrier-grade NAT,
 * multicast or unspecified address is refused, unless private targets are allowed or the address
 * lies in an allowed network. Checked when a subscription is saved and again at send time on the
 * resolved address, which is the address then connected to (no second lookup to rebind).
 */
@ApplicationScoped
public class OutboundGuard {

    private final boolean allowPrivate;
    private final List<Cidr> allowed;
    private final Vertx vertx;

    @Inject
    public OutboundGuard(NotifierConfig config, Vertx vertx) {
        this(config.outbound().allowPrivate(), config.outbound().allowedNetworks().orElse(List.of()), vertx);
    }

    public OutboundGuard(boolean allowPrivate, List<String> allowedNetworks, Vertx vertx) {
        this.allowPrivate = allowPrivate;
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
        this.vertx = vertx;
    }

    /** Resolves the URL's host off the event loop; fails with {@link RefusedTargetException} when not allowed. */
    public Uni<InetAddress> resolve(URI url) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> check(url)));
    }

    /** Resolves and checks, blocking; the address to connect to. */
    public InetAddress check(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw new RefusedTargetException("URL has no host");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new UnreachableTargetException("cannot resolve " + host);
        }
        for (InetAddress address : addresses) {
            if (!permitted(address)) {
                throw new RefusedTargetException(host + " resolves to a private or reserved address, which is not allowed");
            }
        }
        return addresses[0];
    }

    public boolean permitted(InetAddress address) {
        return allowPrivate || !reserved(address) || allowed.stream().anyMatch(n -> n.contains(address));
    }

    /** True for addresses no public notification target has. */
    public static boolean reserved(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // this network
                    || first == 100 && second >= 64 && second < 128 // carrier-grade NAT
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 // IETF protocol assignments
                    || first == 198 && (second == 18 || second == 19) // benchmarking
                    || first >= 240; // reserved, broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            boolean mappedV4 = true;
            for (int i = 0; i < 10; i++) {
                mappedV4 &= b[i] == 0;
            }
            if (mappedV4 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return reserved(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return (first & 0xfe) == 0xfc; // unique local fc00::/7 (fd00:ec2::254 metadata included)
        }
        return true;
    }

    /** An IPv4 or IPv6 network in CIDR notation. */
    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String cidr) {
            String[] parts = cidr.trim().split("/");
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
                return new Cidr(network, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a network: " + cidr, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
