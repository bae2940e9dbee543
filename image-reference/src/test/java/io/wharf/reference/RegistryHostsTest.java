package io.wharf.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Does a workload's image reference name a repository of this registry? */
class RegistryHostsTest {

    static final String D = "sha256:" + "0123456789abcdef".repeat(4);
    static final List<String> HOSTS =
            List.of("wharf.example.com", "wharf.example.com:5000", "wharf-registry.wharf.svc:5000", "localhost:5000");

    /** unqualified references are own?, reference, expected canonical of the own reference or null. */
    static Stream<Arguments> matching() {
        return Stream.of(
                Arguments.of(false, "wharf.example.com:5000/team/app:1.2", "wharf.example.com/team/app:1.2"),
                Arguments.of(false, "wharf.example.com/team/app", "wharf.example.com/team/app:latest"),
                Arguments.of(false, "WHARF.Example.COM/team/app:1", "wharf.example.com/team/app:1"),
                Arguments.of(false, "wharf-registry.wharf.svc:5000/app@" + D, "wharf.example.com/library/app@" + D),
                Arguments.of(false, "wharf.example.com/library/app:2@" + D, "wharf.example.com/library/app:2@" + D),
                Arguments.of(false, "localhost:5000/team/app", "wharf.example.com/team/app:latest"),
                Arguments.of(false, "localhost:5000/app", "wharf.example.com/library/app:latest"),
                Arguments.of(false, "127.0.0.1:5000/team/app", null),
                Arguments.of(false, "localhost/team/app", null),
                Arguments.of(false, "wharf.example.com:443/team/app", null),
                Arguments.of(false, "evil.example.com/wharf.example.com/app", null),
                Arguments.of(false, "docker.io/team/app", null),
                Arguments.of(false, "team/app@" + D, null),
                Arguments.of(false, "nginx", null),
                Arguments.of(false, "wharf.example.com/Team/App", null),
                Arguments.of(false, "wharf.example.com/app:", null),
                Arguments.of(true, "team/app@" + D, "wharf.example.com/team/app@" + D),
                Arguments.of(true, "nginx", "wharf.example.com/library/nginx:latest"),
                Arguments.of(true, "localhost:5000/team/app:1.2", "wharf.example.com/team/app:1.2"),
                Arguments.of(true, "docker.io/nginx", null),
                Arguments.of(true, "quay.io/team/app", null),
                Arguments.of(true, "", null));
    }

    @ParameterizedTest(name = "[{index}] unqualified own={0}: {1}")
    @MethodSource("matching")
    void ownReference(boolean unqualifiedOwn, String reference, String expected) {
        RegistryHosts hosts = new RegistryHosts(HOSTS, unqualifiedOwn);
        assertEquals(expected, hosts.ownReference(reference).map(ImageReference::canonical).orElse(null));
    }

    @Test
    void spellingsOfOneImageAreEqual() {
        RegistryHosts hosts = RegistryHosts.of("wharf.example.com", "localhost:5000");
        assertEquals(hosts.ownReference("localhost:5000/app:1"), hosts.ownReference("wharf.example.com/library/app:1"));
        assertEquals("wharf.example.com/library/app:1",
                hosts.ownReference("localhost:5000/app:1").map(ImageReference::familiar).orElseThrow());
    }

    @Test
    void hostsAndFlags() {
        RegistryHosts hosts = RegistryHosts.of("Wharf.Example.com", "localhost:5000");
        assertEquals("wharf.example.com", hosts.primaryHost());
        assertEquals(List.of("wharf.example.com", "localhost:5000"), hosts.hosts());
        assertFalse(hosts.unqualifiedReferencesAreOwn());
        assertTrue(hosts.isOwnHost("WHARF.EXAMPLE.COM"));
        assertTrue(hosts.isOwnHost("localhost:5000"));
        assertFalse(hosts.isOwnHost("localhost"));
        assertFalse(hosts.isOwnHost("127.0.0.1:5000"));
        assertFalse(hosts.isOwnHost(null));
        assertTrue(hosts.isOwn(ImageReference.parse("localhost:5000/a/b")));
        assertFalse(hosts.isOwn(ImageReference.parse("a/b")));
        assertEquals("docker.io", hosts.parser().defaultRegistry());
        assertEquals("wharf.example.com", new RegistryHosts(List.of("wharf.example.com"), true).parser().defaultRegistry());
    }

    @Test
    void configurationIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new RegistryHosts(List.of(), false));
        InvalidReferenceException bare = assertThrows(InvalidReferenceException.class, () -> RegistryHosts.of("wharf-registry"));
        assertEquals("registry host (wharf-registry) must contain '.' or ':' or be 'localhost' to be recognised in image references",
                bare.getMessage());
        InvalidReferenceException bad = assertThrows(InvalidReferenceException.class, () -> RegistryHosts.of("wharf.example.com/x"));
        assertEquals("invalid registry host (wharf.example.com/x)", bad.getMessage());
        RegistryHosts.of("localhost");
    }
}
