package io.wharf.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}); an address alone
 * is a network of one address. Only address literals are read: a host name is an error, never a
 * DNS lookup. An IPv4-mapped IPv6 literal ({@code ::ffff:10.0.0.1}) is read as its IPv4 address.
 *
 * @param network the network's address bytes (4 or 16)
 * @param prefix  how many leading bits of an address must equal the network's
 */
public record Cidr(byte[] network, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** @throws IllegalArgumentException when the bytes are no address or the prefix does not fit them */
    public Cidr {
        if (network.length != 4 && network.length != 16 || prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("not a network: " + prefix + " bits of " + network.length + " bytes");
        }
        network = network.clone();
    }

    /** Reads {@code address} or {@code address/prefix}; {@link IllegalArgumentException} when it is neither. */
    public static Cidr parse(String cidr) {
        String[] parts = cidr.trim().split("/", 2);
        String literal = parts[0];
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            throw new IllegalArgumentException("not a network: " + cidr);
        }
        try {
            byte[] network = InetAddress.getByName(literal).getAddress();
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
            return new Cidr(network, prefix);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a network: " + cidr, e);
        }
    }

    /** True when the address has the network's family and its first {@link #prefix} bits. */
    public boolean contains(InetAddress address) {
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

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
