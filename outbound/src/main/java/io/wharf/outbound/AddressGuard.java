package io.wharf.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps requests to user-named hosts off the service's own network (SSRF). An address in one of the
 * {@link #reserved reserved ranges} is refused unless private targets are allowed altogether or the
 * address lies in an allowed network (tests allow {@code 127.0.0.1/32} this way). Every address a
 * host resolves to must pass, and the one returned is the one to connect to, so that a second lookup
 * cannot rebind the name to another address.
 *
 * <p>Addresses that carry an IPv4 address inside an IPv6 one are treated in two ways. An IPv4-mapped
 * address ({@code ::ffff:a.b.c.d}) is the IPv4 address itself as a dual-stack socket reaches it: it is
 * judged, allow-list included, as {@code a.b.c.d}. NAT64 ({@code 64:ff9b::/96}, and the local-use
 * {@code 64:ff9b:1::/48}), 6to4 ({@code 2002::/16}) and IPv4-compatible ({@code ::a.b.c.d}) addresses
 * reach their IPv4 address through a translator or relay whose reach Wharf cannot know, possibly
 * one inside the network: they are always reserved, whatever IPv4 address they embed, and only an
 * allowed network containing the IPv6 address itself (or allowing private targets) lets them through.
 */
public final class AddressGuard {

    /** Networks no public target has; each with what it is. */
    private static final List<Cidr> RESERVED = Stream.of(
            "0.0.0.0/8",        // "this network", 0.0.0.0 (unspecified) included
            "10.0.0.0/8",       // private
            "100.64.0.0/10",    // carrier-grade NAT
            "127.0.0.0/8",      // loopback
            "169.254.0.0/16",   // link-local, cloud metadata (169.254.169.254) included
            "172.16.0.0/12",    // private
            "192.0.0.0/24",     // IETF protocol assignments
            "192.168.0.0/16",   // private
            "198.18.0.0/15",    // benchmarking
            "224.0.0.0/4",      // multicast
            "240.0.0.0/4",      // reserved, broadcast included
            "::/96",            // IPv4-compatible, :: (unspecified) and ::1 (loopback) included
            "64:ff9b::/96",     // NAT64
            "64:ff9b:1::/48",   // local-use NAT64
            "2002::/16",        // 6to4
            "fc00::/7",         // unique local, fd00:ec2::254 (metadata) included
            "fe80::/10",        // link-local
            "fec0::/10",        // site-local (deprecated)
            "ff00::/8")         // multicast
            .map(Cidr::parse).toList();

    private final boolean allowPrivate;
    private final List<Cidr> allowed;

    /**
     * @param allowPrivate    let every address through (trusted networks only)
     * @param allowedNetworks networks (CIDR) let through although reserved
     * @throws IllegalArgumentException when an allowed network is not CIDR
     */
    public AddressGuard(boolean allowPrivate, List<String> allowedNetworks) {
        this.allowPrivate = allowPrivate;
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    /**
     * Resolves {@code host} (a name, an address, or an IPv6 address in brackets), blocking; returns the
     * address to connect to.
     *
     * @throws UnknownHostException     when the name does not resolve (may resolve later)
     * @throws RefusedAddressException  when any address it resolves to is not {@link #permitted}
     */
    public InetAddress resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = InetAddress.getAllByName(bare);
        for (InetAddress address : addresses) {
            if (!permitted(address)) {
                throw new RefusedAddressException(host + " resolves to a private or reserved address, which is not allowed");
            }
        }
        return addresses[0];
    }

    /** True when a request may go to {@code address}. */
    public boolean permitted(InetAddress address) {
        InetAddress judged = unmapped(address);
        return allowPrivate || !reserved(judged) || allowed.stream().anyMatch(n -> n.contains(judged));
    }

    /** True for addresses no public target has (see the class comment for IPv6 with IPv4 inside). */
    public static boolean reserved(InetAddress address) {
        InetAddress judged = unmapped(address);
        return RESERVED.stream().anyMatch(n -> n.contains(judged));
    }

    /** The IPv4 address of an IPv4-mapped IPv6 address; any other address as it is. */
    private static InetAddress unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (!(address instanceof Inet6Address) || (b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
