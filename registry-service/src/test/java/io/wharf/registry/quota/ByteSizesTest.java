package io.wharf.registry.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void readsBinaryAndDecimalUnitsBareBytesAndNone() {
        assertEquals(10L * 1024 * 1024 * 1024, ByteSizes.parse("10GiB"));
        assertEquals(1536L * 1024 * 1024, ByteSizes.parse("1.5 GiB"));
        assertEquals(500_000_000L, ByteSizes.parse("500MB"));
        assertEquals(2048L, ByteSizes.parse("2KiB"));
        assertEquals(1_000L, ByteSizes.parse("1kB"));
        assertEquals(12345L, ByteSizes.parse("12345"));
        assertEquals(7L, ByteSizes.parse("7B"));
        assertNull(ByteSizes.parse("none"));
        assertNull(ByteSizes.parse("Unlimited"));
    }

    @Test
    void refusesWhatIsNoSize() {
        for (String bad : new String[] {"", "ten", "-1", "1.5.5GiB", "10 XB", "99999999999999999999", "9999999999PiB", "1".repeat(100)}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
        }
    }

    @Test
    void formatsForPeople() {
        assertEquals("0 B", ByteSizes.format(0));
        assertEquals("1000 B", ByteSizes.format(1000));
        assertEquals("2 KiB", ByteSizes.format(2000));
        assertEquals("9.6 GiB", ByteSizes.format((long) (9.6 * 1024 * 1024 * 1024)));
        assertEquals("10 GiB", ByteSizes.format(10L << 30));
    }
}
