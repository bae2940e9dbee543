package io.wharf.deployer.targets.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.wharf.deployer.config.DeployerConfig;
import io.wharf.deployer.targets.TargetException;

/**
 * Keeps deploy hooks off the deployer's own network (SSRF): a host resolving to a loopback, link-local
 * (cloud metadata), private, unique-local, carrier-grade NAT, multicast or unspecified address is
 * refused unless private hooks are allowed or the address lies in an allowed network. The address
 * checked is the address connected to.
 */
@ApplicationScoped
public class HookAddressGuard {

    private final boolean allowPrivate;
    private final List<Network> allowed;

    @Inject
    public HookAddressGuard(DeployerConfig config) {
        this(config.outbound().allowPrivate(), config.outbound().allowedNetworks().orElse(List.of()));
    }

    HookAddressGuard(boolean allowPrivate, List<String> allowedNetworks) {
        this.allowPrivate = allowPrivate;
        this.allowed = allowedNetworks.stream().map(Network::parse).toList();
    }

    /** Resolves {@code host} (blocking) and returns the address to connect to; {@link TargetException} when refused. */
    InetAddress resolve(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new TargetException("cannot resolve " + host);
        }
        for (InetAddress address : all) {
            if (!allowPrivate && internal(address) && allowed.stream().noneMatch(n -> n.contains(address))) {
                throw new TargetException(host + " is a private or reserved address; deploy hooks may not call it");
            }
        }
        return all[0];
    }

    static boolean internal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isV4Mapped(raw)) {
                try {
                    return internal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return (raw[0] & 0xfe) == 0xfc;
        }
        int a = raw[0] & 0xff;
        int b = raw[1] & 0xff;
        return a == 0 || a >= 240 || a == 100 && (b & 0xc0) == 64 || a == 198 && (b & 0xfe) == 18
                || a == 192 && b == 0 && raw[2] == 0;
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    /** A CIDR network. */
    record Network(java.math.BigInteger base, int bits, int length) {
        static Network parse(String cidr) {
            String[] parts = cidr.trim().split("/", 2);
            try {
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int length = address.length * 8;
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : length;
                return new Network(new java.math.BigInteger(1, address).shiftRight(length - bits), bits, length);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a network: " + cidr, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] raw = address.getAddress();
            return raw.length * 8 == length && new java.math.BigInteger(1, raw).shiftRight(length - bits).equals(base);
        }
    }
}
