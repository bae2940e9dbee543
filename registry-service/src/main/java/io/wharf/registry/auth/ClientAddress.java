package io.wharf.registry.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Where a request comes from, as the limits count it: the connection's address (no forwarding
 * header is trusted), an IPv6 address as its /64, which one client usually holds whole.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** The caller's address as the connection gives it, or null. */
    public static String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    /** What an address counts as: an IPv4 address itself, an IPv6 address its /64 (IPv4-mapped ones as IPv4). */
    public static String key(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length == 4) {
                return InetAddress.getByAddress(bytes).getHostAddress();
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address; // a literal the socket gave us: never a name lookup
        }
    }
}
