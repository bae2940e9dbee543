package io.wharf.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

/** Sealing and opening secrets, and what happens to a value changed at rest. */
class SecretBoxTest {

    /** The deployer's %test key ("test-only-deployer-secrets-key-3"). */
    private static final String KEY = "dGVzdC1vbmx5LWRlcGxveWVyLXNlY3JldHMta2V5LTM=";
    private static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    /**
     * {@link #SECRET} sealed outside Java under {@link #KEY} with nonce 00 01 … 0b, with Python's
     * {@code cryptography} ({@code AESGCM(key).encrypt(nonce, secret, None)}): the stored format
     * (prefix, nonce, ciphertext and tag) that the deployer has always written.
     */
    private static final String SEALED_ELSEWHERE = "sealed:v1:AAECAwQFBgcICQoLDftAK9ISBOCZOR8EbYON9EkhP8JZKgkduZvQHl"
            + "vjqG4q2QNyBNj9i7In2DpyR3W0+ebmuP3m3wJJdCqazFOjgc1q";

    private final SecretBox box = new SecretBox(KEY);

    @Test
    void sealedValuesOpenToTheSecretAndDoNotShowIt() {
        String sealed = box.seal(SECRET);
        assertTrue(SecretBox.isSealed(sealed), sealed);
        assertTrue(sealed.startsWith("sealed:v1:"), sealed);
        assertFalse(sealed.contains(SECRET.substring("whsec_".length())), sealed);
        assertEquals(SECRET, box.open(sealed));
        assertNotEquals(sealed, box.seal(SECRET), "every sealing uses a new nonce");
    }

    @Test
    void opensValuesInTheStoredFormat() {
        assertEquals(SECRET, box.open(SEALED_ELSEWHERE));
    }

    @Test
    void aChangedValueDoesNotOpen() {
        byte[] raw = Base64.getDecoder().decode(SEALED_ELSEWHERE.substring(SecretBox.PREFIX.length()));
        for (int position : new int[] {0, 11, 12, raw.length / 2, raw.length - 1}) {
            byte[] tampered = raw.clone();
            tampered[position] ^= 1;
            String value = SecretBox.PREFIX + Base64.getEncoder().encodeToString(tampered);
            assertThrows(IllegalStateException.class, () -> box.open(value), "flipped a bit at " + position);
        }
        String truncated = SEALED_ELSEWHERE.substring(0, SEALED_ELSEWHERE.length() - 8);
        assertThrows(IllegalStateException.class, () -> box.open(truncated));
        assertThrows(IllegalStateException.class, () -> box.open(SecretBox.PREFIX + "AAEC"));
        assertThrows(IllegalStateException.class, () -> box.open(SecretBox.PREFIX + "not base64!"));
    }

    @Test
    void aValueSealedUnderAnotherKeyDoesNotOpen() {
        SecretBox other = new SecretBox(Base64.getEncoder().encodeToString(new byte[32]));
        assertThrows(IllegalStateException.class, () -> other.open(box.seal(SECRET)));
    }

    @Test
    void refusesClearValuesAndKeysOfTheWrongSize() {
        assertFalse(SecretBox.isSealed(SECRET));
        assertFalse(SecretBox.isSealed(null));
        assertThrows(IllegalArgumentException.class, () -> box.open(SECRET));
        IllegalStateException shortKey = assertThrows(IllegalStateException.class,
                () -> new SecretBox(Base64.getEncoder().encodeToString(new byte[16]), "wharf.notifier.secrets-key"));
        assertTrue(shortKey.getMessage().contains("wharf.notifier.secrets-key"), shortKey.getMessage());
        assertThrows(IllegalStateException.class, () -> new SecretBox("not base64!"));
    }
}
