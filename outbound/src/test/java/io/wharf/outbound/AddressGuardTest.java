package io.wharf.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard: which addresses a request may reach, by default and with an allow-list. */
class AddressGuardTest {

    private final AddressGuard defaults = new AddressGuard(false, List.of());

    @ParameterizedTest(name = "{0} is refused ({1})")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1               | loopback
            127.255.0.9             | loopback
            10.0.0.5                | private
            172.16.3.4              | private
            172.31.255.255          | private
            192.168.0.1             | private
            169.254.169.254         | link-local, cloud metadata
            100.64.0.1              | carrier-grade NAT
            100.127.255.254         | carrier-grade NAT
            0.0.0.0                 | unspecified
            0.1.2.3                 | this network
            192.0.0.8               | IETF protocol assignments
            198.18.0.1              | benchmarking
            198.19.255.1            | benchmarking
            224.0.0.1               | multicast
            239.255.255.250         | multicast
            240.0.0.1               | reserved
            255.255.255.255         | broadcast
            ::                      | unspecified
            ::1                     | loopback
            fd00:ec2::254           | unique local, cloud metadata
            fc00::1                 | unique local
            fe80::1                 | link-local
            fec0::1                 | site-local
            ff02::1                 | multicast
            ::ffff:127.0.0.1        | IPv4-mapped loopback
            ::ffff:169.254.169.254  | IPv4-mapped metadata
            ::ffff:10.1.2.3         | IPv4-mapped private
            64:ff9b::a9fe:a9fe      | NAT64 of 169.254.169.254
            64:ff9b::7f00:1         | NAT64 of 127.0.0.1
            64:ff9b::5db8:d70e      | NAT64 of a public address: the translator's reach is unknown
            64:ff9b:1::a00:1        | local-use NAT64
            2002:a9fe:a9fe::1       | 6to4 of 169.254.169.254
            2002:5db8:d70e::1       | 6to4 of a public address: the relay's reach is unknown
            ::169.254.169.254       | IPv4-compatible metadata
            ::10.0.0.1              | IPv4-compatible private
            ::93.184.215.14         | IPv4-compatible public: deprecated, no public target has one
            """)
    void refusesReservedAddresses(String literal, String what) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);
        assertTrue(AddressGuard.reserved(address), literal + " (" + what + ") should be reserved");
        assertFalse(defaults.permitted(address), literal + " (" + what + ") should be refused");
        assertThrows(RefusedAddressException.class, () -> defaults.resolve(literal.contains(":") ? "[" + literal + "]" : literal));
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.0.1.1", "198.17.255.255", "198.20.0.1", "223.255.255.255", "169.253.255.255",
            "2606:2800:220:1:248:1893:25c8:1946", "2001:4860:4860::8888", "::ffff:93.184.215.14", "2003::1", "64:ff9a::1"})
    void allowsPublicAddresses(String literal) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);
        assertFalse(AddressGuard.reserved(address), literal + " should be public");
        assertEquals(address, defaults.resolve(literal.contains(":") ? "[" + literal + "]" : literal));
    }

    @Test
    void refusesANameThatResolvesToLoopback() {
        RefusedAddressException refused = assertThrows(RefusedAddressException.class, () -> defaults.resolve("localhost"));
        assertTrue(refused.getMessage().contains("private or reserved"), refused.getMessage());
    }

    @Test
    void judgesAnIpv4MappedAddressAsItsIpv4Address() throws UnknownHostException {
        // Java reads ::ffff:a.b.c.d as an IPv4 address; an Inet6Address holding one must be judged alike.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254};
        Inet6Address metadata = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(AddressGuard.reserved(metadata));
        assertFalse(defaults.permitted(metadata));
        mapped[12] = 127;
        mapped[13] = 0;
        mapped[14] = 0;
        mapped[15] = 1;
        assertTrue(new AddressGuard(false, List.of("127.0.0.1/32")).permitted(Inet6Address.getByAddress(null, mapped, -1)));
    }

    @Test
    void allowListOpensOnlyTheListedNetwork() throws UnknownHostException {
        AddressGuard guard = new AddressGuard(false, List.of("127.0.0.1/32", "10.1.0.0/16", "fd12:3456::/32"));
        assertEquals(InetAddress.getByName("127.0.0.1"), guard.resolve("127.0.0.1"));
        assertEquals(InetAddress.getByName("10.1.200.3"), guard.resolve("10.1.200.3"));
        assertEquals(InetAddress.getByName("fd12:3456::9"), guard.resolve("[fd12:3456::9]"));
        for (String refused : List.of("127.0.0.2", "10.2.0.1", "169.254.169.254", "[fd12:3457::9]", "[::1]")) {
            assertThrows(RefusedAddressException.class, () -> guard.resolve(refused), refused);
        }
    }

    @Test
    void allowingTheEmbeddedIpv4AddressDoesNotOpenItsNat64Or6to4OrCompatibleForms() throws UnknownHostException {
        AddressGuard guard = new AddressGuard(false, List.of("127.0.0.1/32"));
        for (String embedding : List.of("64:ff9b::7f00:1", "2002:7f00:1::1", "::127.0.0.1")) {
            assertFalse(guard.permitted(InetAddress.getByName(embedding)), embedding);
        }
        assertTrue(new AddressGuard(false, List.of("64:ff9b::/96")).permitted(InetAddress.getByName("64:ff9b::7f00:1")),
                "an allowed network naming the IPv6 range itself lets it through");
    }

    @Test
    void allowPrivateLetsEverythingThrough() throws UnknownHostException {
        AddressGuard open = new AddressGuard(true, List.of());
        for (String literal : List.of("127.0.0.1", "169.254.169.254", "::1", "64:ff9b::a9fe:a9fe")) {
            assertTrue(open.permitted(InetAddress.getByName(literal)), literal);
        }
    }

    @Test
    void aNameThatDoesNotResolveIsUnknownNotRefused() {
        assertThrows(UnknownHostException.class, () -> defaults.resolve("no-such-host.invalid"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8      | 10.255.1.2    | 11.0.0.0
            10.1.2.3        | 10.1.2.3      | 10.1.2.4
            0.0.0.0/0       | 93.184.215.14 | ::1
            fc00::/7        | fdff::1       | fe00::1
            2002::/16       | 2002:ffff::1  | 2003::1
            ::/0            | 2606:2800::1  | 127.0.0.1
            """)
    void cidrContainsItsNetworkOnly(String cidr, String inside, String outside) throws UnknownHostException {
        Cidr network = Cidr.parse(cidr);
        assertTrue(network.contains(InetAddress.getByName(inside)), cidr + " contains " + inside);
        assertFalse(network.contains(InetAddress.getByName(outside)), cidr + " does not contain " + outside);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "localhost", "localhost/8",
            "example.com/24", "10.0.0/8", "1.2.3.4.5"})
    void cidrRefusesWhatIsNoNetworkWithoutLookingItUp(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text), text);
        assertThrows(IllegalArgumentException.class, () -> new AddressGuard(false, List.of(text)), text);
    }
}
