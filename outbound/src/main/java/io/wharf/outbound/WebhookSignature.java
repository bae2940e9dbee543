package io.wharf.outbound;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing. A secret is {@code whsec_} followed by base64 of the HMAC key (at least
 * 16 bytes; the prefix may be left out). A request carries {@code webhook-id} (stable across retries
 * of one message), {@code webhook-timestamp} (seconds since the epoch) and {@code webhook-signature}:
 * {@code v1,} + base64(HMAC-SHA256(key, "id.timestamp." + body)) for every secret that signs, separated
 * by spaces (two while a secret is being rotated), so that a receiver holding either one can verify.
 */
public final class WebhookSignature {

    /** What every secret starts with. */
    public static final String SECRET_PREFIX = "whsec_";
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private static final int MIN_KEY_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A new secret: {@code whsec_} and base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key of a secret; {@link IllegalArgumentException} when it is not {@code whsec_<base64 of 16+ bytes>}. */
    public static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key = Base64.getDecoder().decode(encoded);
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a webhook secret needs at least " + MIN_KEY_BYTES + " bytes of key");
        }
        return key;
    }

    /** One {@code v1,<base64>} signature of the message under {@code secret}. */
    public static String signature(String secret, String messageId, long timestampSeconds, byte[] body) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            hmac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(hmac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The three Standard Webhooks headers of a message, in the order id, timestamp, signature; signed
     * with every secret given, in that order.
     */
    public static Map<String, String> headers(List<String> secrets, String messageId, long timestampSeconds, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a webhook needs a secret to sign with");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, messageId);
        headers.put(TIMESTAMP_HEADER, Long.toString(timestampSeconds));
        headers.put(SIGNATURE_HEADER, secrets.stream().map(secret -> signature(secret, messageId, timestampSeconds, body))
                .collect(Collectors.joining(" ")));
        return headers;
    }
}
