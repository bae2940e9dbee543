package io.wharf.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OutboundRulesTest {

    @Test
    void headerNamesAreTokensTheRequestDoesNotWriteItself() {
        assertTrue(OutboundRules.isHeaderName("X-Team"));
        assertTrue(OutboundRules.isHeaderName("Authorization"));
        for (String refused : new String[] {"", "X Team", "X-Team:", "Host", "content-TYPE", "Content-Length", "Transfer-Encoding",
                "Connection", "webhook-signature", "Webhook-Id", "ce-type", "X-" + "a".repeat(99), "Ä"}) {
            assertFalse(OutboundRules.isHeaderName(refused), refused);
        }
        assertTrue(OutboundRules.isHeaderName("X-" + "a".repeat(98)));
    }

    @Test
    void headerValuesHaveNoLineBreaksAndABound() {
        assertTrue(OutboundRules.isHeaderValue("Bearer abc"));
        assertTrue(OutboundRules.isHeaderValue("v".repeat(4096)));
        assertFalse(OutboundRules.isHeaderValue("v".repeat(4097)));
        assertFalse(OutboundRules.isHeaderValue("a\r\nX-Injected: 1"));
        assertFalse(OutboundRules.isHeaderValue("a\nb"));
        assertFalse(OutboundRules.isHeaderValue("a\0b"));
        assertFalse(OutboundRules.isHeaderValue(null));
    }

    @Test
    void aSetOfHeadersIsBoundedAndNamesWhatIsWrong() {
        assertNull(OutboundRules.headersProblem(null));
        assertNull(OutboundRules.headersProblem(Map.of("X-Team", "blue")));
        assertEquals("headers[X-Team]: " + OutboundRules.HEADER_VALUE_RULE, OutboundRules.headersProblem(Map.of("X-Team", "a\r\nb")));
        assertTrue(OutboundRules.headersProblem(Map.of("Host", "x")).startsWith("headers[Host]: cannot be set"));
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= OutboundRules.MAX_HEADERS; i++) {
            many.put("X-H" + i, "v");
        }
        assertEquals("headers: must have at most 50 headers", OutboundRules.headersProblem(many));
    }

    @Test
    void urlsAreAbsoluteHttpWithAHostAndNoUserInfo() {
        assertNull(OutboundRules.urlProblem("https://hooks.example.com/x?a=b"));
        assertNull(OutboundRules.urlProblem("http://[::1]:8080/x"));
        for (String refused : new String[] {null, " ", "ftp://example.com/", "/relative", "https://user:pw@example.com/",
                "http://exa mple.com/", "https://example.com/" + "a".repeat(2048)}) {
            assertNotNull(OutboundRules.urlProblem(refused), String.valueOf(refused));
        }
    }
}
