package io.wharf.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's CA: made once, reused, and a server certificate issued again by the same CA for new names. */
class LocalCertificateAuthorityTest {

    @TempDir
    Path dir;

    @Test
    void theCaIsKeptAndTheServerCertificateFollowsTheNames() throws Exception {
        LocalCertificateAuthority ca = new LocalCertificateAuthority(dir.resolve("tls"));
        assertEquals(LocalCertificateAuthority.Outcome.CREATED, ca.ensure(List.of("localhost", "127.0.0.1")));
        byte[] caCert = Files.readAllBytes(ca.caCertificate());
        X509Certificate first = read(ca.certificate());
        first.verify(read(ca.caCertificate()).getPublicKey());
        assertEquals(List.of("localhost", "127.0.0.1"), sans(first));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), first.getExtendedKeyUsage(), "for TLS servers");
        assertTrue(read(ca.caCertificate()).getBasicConstraints() >= 0, "the CA certificate is a CA");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.key())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.caStore())));
        assertTrue(Files.readString(ca.key()).startsWith("-----BEGIN PRIVATE KEY-----\n"));

        assertEquals(LocalCertificateAuthority.Outcome.REUSED, ca.ensure(List.of("localhost", "127.0.0.1")));
        assertEquals(first, read(ca.certificate()));

        assertEquals(LocalCertificateAuthority.Outcome.ISSUED, ca.ensure(List.of("localhost", "127.0.0.1", "registry.example", "10.1.2.3")));
        assertArrayEquals(caCert, Files.readAllBytes(ca.caCertificate()), "the CA clients trust stays");
        X509Certificate second = read(ca.certificate());
        second.verify(read(ca.caCertificate()).getPublicKey());
        assertEquals(List.of("localhost", "127.0.0.1", "registry.example", "10.1.2.3"), sans(second));
    }

    @Test
    void theMachineNamesStartWithTheLoopbackOnes() {
        List<String> names = LocalCertificateAuthority.machineNames();
        assertEquals(List.of("localhost", "127.0.0.1", "::1"), names.subList(0, 3));
        assertTrue(names.stream().noneMatch(n -> n.contains("%")), names.toString());
    }

    private static List<String> sans(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).toList();
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
