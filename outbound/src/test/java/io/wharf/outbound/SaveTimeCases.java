package io.wharf.outbound;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The questions both services' save-time validation tests ask (the notifier's webhooks, the deployer's
 * HTTP hooks), in one place so that the two keep asking the same ones: what {@link OutboundRules} and the
 * SSRF guard refuse, each of which must be refused when saved with a readable problem.
 */
public final class SaveTimeCases {

    /** Header sets that could never be sent: line breaks, bad names, headers the request writes itself, sizes. */
    public static final List<Map<String, String>> UNSENDABLE_HEADERS = List.of(Map.of("X-Team", "a\r\nX-Injected: 1"),
            Map.of("X-Team", "a\nb"), Map.of("X Team", "a"), Map.of("Transfer-Encoding", "chunked"), Map.of("ce-type", "x"),
            Map.of("X-" + "a".repeat(100), "a"), Map.of("X-Team", "v".repeat(4097)));

    /** What the problem says of a header set over the bound ({@link #tooManyHeaders()}). */
    public static final String TOO_MANY_HEADERS = "at most " + OutboundRules.MAX_HEADERS + " headers";

    /** Targets the SSRF guard refuses (metadata service, private networks, mapped and unspecified addresses). */
    public static final List<String> PRIVATE_TARGETS = List.of("http://169.254.169.254/latest/meta-data", "http://10.0.0.1/hook",
            "http://[::ffff:169.254.169.254]/x", "http://[::ffff:a9fe:a9fe]/x", "http://0.0.0.0/x");

    /** What the problem says of a {@link #PRIVATE_TARGETS private target}. */
    public static final String PRIVATE_TARGET = "private or reserved address";

    /** A URL over the length bound. */
    public static final String TOO_LONG_URL = "http://example.com/" + "a".repeat(2100);

    /** A loopback target, allowed where the tests' configuration allows loopback (as both services' do). */
    public static final String LOOPBACK_TARGET = "http://127.0.0.1:9/hook";

    /** A name of 5 MiB. */
    public static final String HUGE_NAME = "n".repeat(5 * 1024 * 1024);

    private SaveTimeCases() {
    }

    /** 20 000 custom headers: far over the bound. */
    public static Map<String, String> tooManyHeaders() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 20_000; i++) {
            many.put("X-H" + i, "v");
        }
        return many;
    }
}
