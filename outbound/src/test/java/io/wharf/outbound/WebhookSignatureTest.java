package io.wharf.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Standard Webhooks signatures against vectors computed outside Java, with Python's hmac:
 * {@code base64.b64encode(hmac.new(key, f"{id}.{ts}.".encode() + body, hashlib.sha256).digest())}.
 */
class WebhookSignatureTest {

    /** Key bytes 0, 1, …, 31. */
    private static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    /** Key of 24 bytes 0xA5. */
    private static final String PREVIOUS = "whsec_paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWl";
    private static final String ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    private static final long TIMESTAMP = 1674087231L;
    private static final byte[] BODY = "{\"type\":\"io.wharf.artifact.pushed\",\"tag\":\"1.4.2\"}".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "v1,RLQEsZx3csWuQjQIRUOpWFESCITrGq2oSCbBn+1iNhI=";
    private static final String EXPECTED_PREVIOUS = "v1,89BXT5Eby0YTH5hrj+s+9MSAHU2GL8jk+l2yUGdBzVg=";

    @Test
    void signsIdTimestampAndBodyWithTheSecretsKey() {
        assertEquals(EXPECTED, WebhookSignature.signature(SECRET, ID, TIMESTAMP, BODY));
        assertEquals(EXPECTED, WebhookSignature.signature(SECRET.substring("whsec_".length()), ID, TIMESTAMP, BODY),
                "the whsec_ prefix is optional");
    }

    @Test
    void headersCarryIdTimestampAndOneSignaturePerSecretInOrder() {
        Map<String, String> headers = WebhookSignature.headers(List.of(SECRET, PREVIOUS), ID, TIMESTAMP, BODY);
        assertEquals(List.of("webhook-id", "webhook-timestamp", "webhook-signature"), List.copyOf(headers.keySet()));
        assertEquals(ID, headers.get("webhook-id"));
        assertEquals("1674087231", headers.get("webhook-timestamp"));
        assertEquals(EXPECTED + " " + EXPECTED_PREVIOUS, headers.get("webhook-signature"));
        assertEquals(EXPECTED, WebhookSignature.headers(List.of(SECRET), ID, TIMESTAMP, BODY).get("webhook-signature"));
    }

    @Test
    void anyChangeToIdTimestampOrBodyChangesTheSignature() {
        assertNotEquals(EXPECTED, WebhookSignature.signature(SECRET, ID + "x", TIMESTAMP, BODY));
        assertNotEquals(EXPECTED, WebhookSignature.signature(SECRET, ID, TIMESTAMP + 1, BODY));
        byte[] changed = BODY.clone();
        changed[changed.length - 2] = '3';
        assertNotEquals(EXPECTED, WebhookSignature.signature(SECRET, ID, TIMESTAMP, changed));
    }

    @Test
    void newSecretsAreWhsecAnd32RandomBytes() {
        String one = WebhookSignature.newSecret();
        assertTrue(one.startsWith("whsec_"), one);
        assertEquals(32, Base64.getDecoder().decode(one.substring("whsec_".length())).length);
        assertEquals(32, WebhookSignature.key(one).length);
        assertNotEquals(one, WebhookSignature.newSecret());
    }

    @Test
    void refusesSecretsThatAreNoBase64KeyOfSixteenBytes() {
        String short15 = "whsec_" + Base64.getEncoder().encodeToString(new byte[15]);
        for (String bad : List.of(short15, "whsec_not base64!", "")) {
            assertThrows(IllegalArgumentException.class, () -> WebhookSignature.key(bad), bad);
        }
        assertEquals(16, WebhookSignature.key("whsec_" + Base64.getEncoder().encodeToString(new byte[16])).length);
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.headers(List.of(), ID, TIMESTAMP, BODY));
    }
}
