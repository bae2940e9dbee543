package io.wharf.notifier.support;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks Standard Webhooks signatures as a receiver would, independently of the notifier's code. */
public final class StandardWebhooks {

    private StandardWebhooks() {
    }

    /** True when one of the request's signatures is the HMAC of its id, timestamp and body with {@code secret}. */
    public static boolean signedWith(String secret, Receiver.Request request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String content = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "." + request.body();
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        return Arrays.asList(request.header("webhook-signature").split(" ")).contains(expected);
    }
}
