package io.wharf.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Digest} follows opencontainers/go-digest's validation and messages. */
class DigestTest {

    static final String HEX = "0123456789abcdef";

    @ParameterizedTest
    @CsvSource({"sha256, 4", "sha384, 6", "sha512, 8"})
    void supportedAlgorithms(String algorithm, int repeat) {
        String text = algorithm + ":" + HEX.repeat(repeat);
        Digest digest = Digest.parse(text);
        assertEquals(algorithm, digest.algorithm());
        assertEquals(HEX.repeat(repeat), digest.hex());
        assertEquals(text, digest.toString());
        assertEquals(Digest.parse(text), digest);
        assertEquals(Digest.parse(text).hashCode(), digest.hashCode());
        assertTrue(Digest.isValid(text));
    }

    static Stream<Arguments> invalid() {
        String format = "invalid checksum digest format";
        String length = "invalid checksum digest length";
        String unsupported = "unsupported digest algorithm";
        return Stream.of(
                Arguments.of("", format),
                Arguments.of("sha256", format),
                Arguments.of(":" + HEX.repeat(4), format),
                Arguments.of("sha256:", format),
                Arguments.of("sha256:abc", length),
                Arguments.of("sha256:" + HEX.repeat(4) + "0", length),
                Arguments.of("sha512:" + HEX.repeat(4), length),
                Arguments.of("sha256:" + HEX.repeat(4).toUpperCase(), format),
                Arguments.of("sha256:" + "g".repeat(64), format),
                Arguments.of("SHA256:" + HEX.repeat(4), format),
                Arguments.of("md5:" + HEX.repeat(2), unsupported),
                Arguments.of("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", unsupported),
                Arguments.of("foo:bar:baz", format));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("invalid")
    void invalidDigests(String text, String message) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> Digest.parse(text));
        assertEquals(message, e.getMessage());
        assertEquals(message, e.reason());
        assertEquals(InvalidReferenceException.Code.DIGEST_INVALID, e.code());
        assertFalse(Digest.isValid(text));
    }

    @Test
    void differentDigestsDiffer() {
        assertNotEquals(Digest.parse("sha256:" + HEX.repeat(4)), Digest.parse("sha256:" + "f".repeat(64)));
        assertFalse(Digest.isValid(null));
    }
}
