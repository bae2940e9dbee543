package io.wharf.notifier.channel;

import java.time.Duration;

/**
 * What one attempt came to.
 *
 * @param outcome         delivered, worth retrying, or refused for good
 * @param statusCode      the target's answer (HTTP status or SMTP reply code), null if none came
 * @param error           why it failed; null when delivered
 * @param retryAfter      the target asked to wait at least this long (429/503 {@code Retry-After}); null if not
 * @param gone            the target said it is gone for good (HTTP 410): the subscription is disabled
 * @param latencyMillis   time from sending to the answer
 * @param responseExcerpt the start of the answer's body, capped
 */
public record SendResult(Outcome outcome, Integer statusCode, String error, Duration retryAfter, boolean gone,
        long latencyMillis, String responseExcerpt) {

    public enum Outcome { DELIVERED, RETRY, FINAL }

    public static SendResult delivered(Integer statusCode, long latencyMillis, String excerpt) {
        return new SendResult(Outcome.DELIVERED, statusCode, null, null, false, latencyMillis, excerpt);
    }

    public static SendResult retry(String error, long latencyMillis) {
        return new SendResult(Outcome.RETRY, null, error, null, false, latencyMillis, null);
    }

    public static SendResult refused(String error) {
        return new SendResult(Outcome.FINAL, null, error, null, false, 0, null);
    }

    /**
     * Classifies an HTTP answer: 2xx delivered; 408, 429 and 5xx retried (honouring
     * {@code Retry-After}); 410 final and gone; everything else (other 4xx, unfollowed redirects) final.
     */
    public static SendResult fromHttp(int status, Duration retryAfter, long latencyMillis, String excerpt) {
        if (status >= 200 && status < 300) {
            return delivered(status, latencyMillis, excerpt);
        }
        String error = "HTTP " + status;
        if (status == 408 || status == 429 || status >= 500) {
            return new SendResult(Outcome.RETRY, status, error, retryAfter, false, latencyMillis, excerpt);
        }
        if (status >= 300 && status < 400) {
            error += " (redirects are not followed)";
        }
        return new SendResult(Outcome.FINAL, status, error, null, status == 410, latencyMillis, excerpt);
    }
}
