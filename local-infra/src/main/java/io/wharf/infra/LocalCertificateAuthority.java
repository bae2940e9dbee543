package io.wharf.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A certificate authority of this machine's own, for the quickstart's HTTPS ({@code WHARF_TLS=1 ./wharf up}) and
 * the tests, made with nothing but the JDK's {@code keytool}. In one directory:
 *
 * <pre>
 * ca.p12       the CA's key and certificate (made once; 10 years)   keep private: it can sign for any name
 * ca.crt       the CA's certificate (PEM)                            what clients are told to trust
 * server.crt   the server certificate the CA signed (PEM; 825 days)  WHARF_TLS_CERT
 * server.key   its private key (PEM, PKCS#8)                         WHARF_TLS_KEY
 * server.names the names and addresses it was issued for, one a line
 * </pre>
 *
 * Everything is reused on the next call; the server certificate is issued again, by the same CA (so clients
 * that trust it keep trusting), when the names asked for are not those it holds (a new address, a new host name).
 *
 * <p>Usage: {@code java -cp local-infra.jar io.wharf.infra.LocalCertificateAuthority DIR [NAME|ADDRESS...]};
 * without names: {@link #machineNames()}. Prints {@code created}, {@code issued} or {@code reused}.
 */
public final class LocalCertificateAuthority {

    /** The stores' password. The files are protected by their mode (owner only), not by this. */
    static final String PASSWORD = "wharf-local-ca";
    private static final Pattern DNS_NAME = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Path dir;

    public LocalCertificateAuthority(Path dir) {
        this.dir = dir;
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path caStore() {
        return dir.resolve("ca.p12");
    }

    public Path certificate() {
        return dir.resolve("server.crt");
    }

    public Path key() {
        return dir.resolve("server.key");
    }

    /** What {@link #ensure} did. */
    public enum Outcome { CREATED, ISSUED, REUSED }

    /**
     * Makes the CA when it is missing and a server certificate for {@code names} (DNS names, IPv4 and IPv6
     * addresses; the first is its subject) unless the one there is for exactly these names.
     */
    public Outcome ensure(List<String> names) throws IOException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        Files.createDirectories(dir);
        ownerOnly(dir, "rwx------");
        boolean newCa = !Files.exists(caStore()) || !Files.exists(caCertificate());
        if (newCa) {
            Files.deleteIfExists(caStore());
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                    "-dname", "CN=Wharf local CA " + names.get(0), "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                    "-keystore", caStore().toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            ownerOnly(caStore(), "rw-------");
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore().toString(), "-storepass", PASSWORD,
                    "-file", caCertificate().toString());
        }
        Path namesFile = dir.resolve("server.names");
        String wanted = String.join("\n", names) + "\n";
        if (!newCa && Files.exists(certificate()) && Files.exists(key()) && Files.exists(namesFile)
                && Files.readString(namesFile).equals(wanted)) {
            return Outcome.REUSED;
        }
        issue(names);
        Files.writeString(namesFile, wanted);
        return newCa ? Outcome.CREATED : Outcome.ISSUED;
    }

    private void issue(List<String> names) throws IOException {
        Path store = dir.resolve("server.p12");
        Path request = dir.resolve("server.csr");
        Files.deleteIfExists(store);
        try {
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + names.get(0),
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-storepass", PASSWORD, "-file", request.toString());
            List<String> san = new ArrayList<>();
            for (String name : names) {
                san.add((isAddress(name) ? "ip:" : "dns:") + name);
            }
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore().toString(), "-storepass", PASSWORD,
                    "-infile", request.toString(), "-outfile", certificate().toString(), "-validity", "825",
                    "-ext", "san=" + String.join(",", san), "-ext", "eku=serverAuth", "-ext", "ku:c=digitalSignature");
            writePrivateKey(store, key());
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(request);
        }
    }

    /** The private key of {@code store}'s entry "server" as a PEM file only its owner can read. */
    private static void writePrivateKey(Path store, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            Key key = ks.getKey("server", PASSWORD.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            ownerOnly(tmp, "rw-------");
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (GeneralSecurityException e) {
            throw new IOException("could not read the server key from " + store + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.add("-noprompt");
        Collections.addAll(command, args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool " + args[0] + " ran", e);
        }
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own defaults apply
        }
    }

    static boolean isAddress(String name) {
        return name.contains(":") || IPV4.matcher(name).matches();
    }

    /**
     * The names clients may reach this machine by: localhost, 127.0.0.1, ::1, its host name (and the
     * canonical one, when it differs) and every address of an interface that is up, loopback and
     * link-local addresses aside (a link-local IPv6 address is not usable without its zone).
     */
    public static List<String> machineNames() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            InetAddress local = InetAddress.getLocalHost();
            addName(names, local.getHostName());
            addName(names, local.getCanonicalHostName());
        } catch (IOException e) {
            addName(names, System.getenv("HOSTNAME"));
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        String host = a.getHostAddress();
                        names.add(a instanceof Inet6Address && host.contains("%") ? host.substring(0, host.indexOf('%')) : host);
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to list: the loopback names stay
        }
        return List.copyOf(names);
    }

    private static void addName(Set<String> names, String name) {
        if (name != null && !isAddress(name) && DNS_NAME.matcher(name).matches()) {
            names.add(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: LocalCertificateAuthority DIR [NAME|ADDRESS...]");
            System.exit(2);
        }
        List<String> names = args.length > 1 ? List.of(args).subList(1, args.length) : machineNames();
        Outcome outcome = new LocalCertificateAuthority(Path.of(args[0])).ensure(names);
        System.out.println(outcome.name().toLowerCase(java.util.Locale.ROOT));
    }
}
