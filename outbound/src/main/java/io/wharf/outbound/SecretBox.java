package io.wharf.outbound;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets that a service must use again (HMAC keys, registry passwords) for storage, with
 * AES-256-GCM: a sealed value is {@code sealed:v1:} followed by base64 of a random 12-byte nonce, the
 * ciphertext and the 16-byte tag. Opening checks the tag, so a value changed in the database or
 * sealed under another key is refused rather than read wrongly. The format is the one the deployer
 * has stored since it first sealed hook secrets; values sealed then still open.
 */
public final class SecretBox {

    /** What every sealed value starts with. */
    public static final String PREFIX = "sealed:v1:";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    /** A box under {@code base64Key} (32 bytes); {@link IllegalStateException} when it is not such a key. */
    public SecretBox(String base64Key) {
        this(base64Key, "the secrets key");
    }

    /**
     * A box under {@code base64Key} (32 bytes); {@link IllegalStateException}, naming {@code setting}
     * (the configuration key it came from), when it is not such a key.
     */
    public SecretBox(String base64Key, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(setting + " must be 32 bytes (base64), not " + bytes.length);
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /** True when {@code value} has the form of a sealed value (whether it opens is another question). */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The sealed form of {@code secret}; a new nonce each time, so sealing twice gives two values. */
    public String seal(String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * The secret inside a sealed value.
     *
     * @throws IllegalArgumentException when {@code sealed} is not a sealed value
     * @throws IllegalStateException    when it does not open under this key (changed, or sealed under another)
     */
    public String open(String sealed) {
        if (!isSealed(sealed)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret is damaged (not base64)", e);
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("a stored secret is damaged (too short)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored secret cannot be opened with the configured key", e);
        }
    }
}
