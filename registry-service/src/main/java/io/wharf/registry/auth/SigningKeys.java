package io.wharf.registry.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

import org.jboss.logging.Logger;

/**
 * The RSA key pair that signs tokens, kept as PEM files: the private key (PKCS#8, mode 0600) at the
 * configured path, the public key (X.509) beside it as {@code <name>.pub.pem}. Made on first start
 * when missing; an existing file is never overwritten, so instances given the same file agree.
 */
public final class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private SigningKeys() {
    }

    /** Loads the key pair at {@code path}, creating it (and the public key file) when absent. */
    public static KeyPair loadOrCreate(Path path) {
        try {
            if (!Files.exists(path)) {
                create(path);
            }
            KeyPair pair = read(path);
            Path pub = publicKeyPath(path);
            if (!Files.exists(pub)) {
                writeAtomically(pub, pem(PUBLIC, pair.getPublic().getEncoded()), false);
            }
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the token signing key " + path, e);
        }
    }

    /** Where the public key of {@code privateKeyPath} is written. */
    public static Path publicKeyPath(Path privateKeyPath) {
        String name = privateKeyPath.getFileName().toString().replaceFirst("\\.pem$", "");
        return privateKeyPath.resolveSibling(name + ".pub.pem");
    }

    private static void create(Path path) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        try {
            writeAtomically(path, pem(PRIVATE, pair.getPrivate().getEncoded()), true);
            LOG.infof("created a token signing key at %s", path);
        } catch (FileAlreadyExistsException anotherInstanceWon) {
            // Another instance created it first: use theirs.
        }
    }

    private static KeyPair read(Path path) throws IOException {
        byte[] der = unpem(Files.readString(path, StandardCharsets.US_ASCII), PRIVATE, path);
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
            RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            return new KeyPair(pub, key);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException(path + " does not hold an RSA private key in PKCS#8 PEM", e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String text, String type, Path path) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(path + " is not a PEM file with a " + type + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    /** Writes a new file (never replacing one) through a temporary file: owner-only when secret, else world-readable. */
    private static void writeAtomically(Path path, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), ".key", ".tmp");
        try {
            try {
                // Temporary files start owner-only; the public key is for other services (other users) to read.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the directory's ACLs apply.
            }
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.createLink(path, tmp);
            } catch (UnsupportedOperationException | AtomicMoveNotSupportedException noHardLinks) {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
