package io.wharf.outbound;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request to a user-named server (a webhook, a deploy hook) may be made of, checked when it is
 * saved, the same in every service: the URL (http or https, a host, no user info, at most
 * {@value #MAX_URL_LENGTH} characters) and the extra request headers (at most {@value #MAX_HEADERS};
 * names HTTP tokens of at most {@value #MAX_HEADER_NAME_LENGTH} characters and none the request itself
 * writes; values of at most {@value #MAX_HEADER_VALUE_LENGTH} characters without line breaks or NUL).
 * Where the host may be is {@link AddressGuard}'s rule. Each method answers what is wrong, for people,
 * or null when nothing is.
 */
public final class OutboundRules {

    public static final int MAX_URL_LENGTH = 2048;
    public static final int MAX_HEADERS = 50;
    public static final int MAX_HEADER_NAME_LENGTH = 100;
    public static final int MAX_HEADER_VALUE_LENGTH = 4096;

    /** Why a header name is refused. */
    public static final String HEADER_NAME_RULE = "cannot be set: a header name is letters, digits and !#$%&'*+.^_`|~- (at most "
            + MAX_HEADER_NAME_LENGTH + "), and not Host, Content-Type, Content-Length, Transfer-Encoding, Connection, webhook-* or ce-*";
    /** A header value without line breaks or NUL (a regular expression, for constraint annotations). */
    public static final String HEADER_VALUE_PATTERN = "[^\\r\\n\\x00]*";
    /** Why a header value is refused. */
    public static final String HEADER_VALUE_RULE = "must be at most " + MAX_HEADER_VALUE_LENGTH + " characters, without line breaks";
    /** Why a set of headers is refused for its size. */
    public static final String HEADER_COUNT_RULE = "must have at most " + MAX_HEADERS + " headers";

    private static final String TOKEN_SYMBOLS = "!#$%&'*+.^_`|~-";
    private static final Set<String> WRITTEN_BY_THE_REQUEST = Set.of("host", "content-type", "content-length", "transfer-encoding",
            "connection");

    private OutboundRules() {
    }

    /** True for a header name a user may set. */
    public static boolean isHeaderName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_HEADER_NAME_LENGTH || !name.chars().allMatch(OutboundRules::tokenChar)) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return !WRITTEN_BY_THE_REQUEST.contains(lower) && !lower.startsWith("webhook-") && !lower.startsWith("ce-");
    }

    /** True for a header value a user may set. */
    public static boolean isHeaderValue(String value) {
        return value != null && value.length() <= MAX_HEADER_VALUE_LENGTH && value.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0);
    }

    /** What is wrong with a set of extra headers ({@code headers[X-Name]: …}), or null. */
    public static String headersProblem(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        if (headers.size() > MAX_HEADERS) {
            return "headers: " + HEADER_COUNT_RULE;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String shown = name == null ? "" : name.length() > MAX_HEADER_NAME_LENGTH ? name.substring(0, MAX_HEADER_NAME_LENGTH) + "…" : name;
            if (!isHeaderName(name)) {
                return "headers[" + shown + "]: " + HEADER_NAME_RULE;
            }
            if (!isHeaderValue(header.getValue())) {
                return "headers[" + shown + "]: " + HEADER_VALUE_RULE;
            }
        }
        return null;
    }

    /** What is wrong with a target URL, or null. */
    public static String urlProblem(String url) {
        if (url == null || url.isBlank()) {
            return "a URL is required";
        }
        if (url.length() > MAX_URL_LENGTH) {
            return "the URL must be at most " + MAX_URL_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return "the URL must be an absolute http or https URL with a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "the URL must not carry credentials (user info)";
        }
        return null;
    }

    private static boolean tokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0;
    }
}
