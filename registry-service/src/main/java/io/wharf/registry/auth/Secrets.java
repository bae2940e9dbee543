package io.wharf.registry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Hashing of what callers prove themselves with. Passwords, chosen by people, get bcrypt (slow on
 * purpose). Robot secrets and access tokens are 256 random bits made here: guessing is hopeless,
 * so a SHA-256 of them is enough and keeps their check cheap.
 */
public final class Secrets {

    /** The shortest password an account may have (the API's request constraints and the bootstrap administrator). */
    public static final int MIN_PASSWORD_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A bcrypt hash ({@code $2y$}) of the password at the given cost. */
    public static String hashPassword(String password, int cost) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, cost);
    }

    /** Whether the password matches a bcrypt hash; false for anything that is not one. */
    public static boolean passwordMatches(String password, String hash) {
        try {
            return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (IllegalArgumentException | org.bouncycastle.crypto.DataLengthException notAHash) {
            return false;
        }
    }

    /** A new random secret with a recognisable prefix ({@code wharf_pat_...}, {@code wharf_rbt_...}). */
    public static String newToken(String prefix) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** SHA-256 (hex) of a random secret, as stored. */
    public static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
