package io.wharf.intake;

import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * What is kept of a failure in the parked-event table, the dead-letter record and the API: the
 * exception's class and its message, shortened to {@value #MAX_MESSAGE} characters, with what looks like
 * a credential masked (the password of a URL, {@code password=…}, {@code token: …}, a bearer token). No
 * stack trace, no cause chain beyond the first wrapper.
 */
public record FailureText(String errorClass, String message) {

    static final int MAX_MESSAGE = 500;

    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@]+:)[^/\\s@]+@");
    private static final Pattern NAMED_SECRET = Pattern.compile(
            "(?i)\\b(password|passwd|secret|token|api[-_]?key|authorization)(\\s*[=:]\\s*)(bearer\\s+|basic\\s+)?[^\\s,;&]+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");

    /** The failure as it may be kept and shown. */
    public static FailureText of(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return new FailureText(cause.getClass().getName(), mask(cause.getMessage()));
    }

    static String mask(String message) {
        if (message == null) {
            return null;
        }
        String bounded = message.length() > 8 * MAX_MESSAGE ? message.substring(0, 8 * MAX_MESSAGE) : message;
        String masked = URL_PASSWORD.matcher(bounded).replaceAll("$1***@");
        masked = NAMED_SECRET.matcher(masked).replaceAll("$1$2***");
        masked = BEARER.matcher(masked).replaceAll("$1 ***");
        return masked.length() <= MAX_MESSAGE ? masked : masked.substring(0, MAX_MESSAGE - 1) + "…";
    }

    /** {@code class: message}, for logs and headers. */
    @Override
    public String toString() {
        return message == null ? errorClass : errorClass + ": " + message;
    }
}
