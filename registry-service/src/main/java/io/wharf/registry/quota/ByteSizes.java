package io.wharf.registry.quota;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as people write them: {@code 10GiB}, {@code 1.5 GB}, {@code 500MiB}, {@code 1048576}.
 * Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (kB, MB, GB, TB) of 1000;
 * a bare number is bytes. Sizes shown to people are in binary units with one decimal.
 */
public final class ByteSizes {

    /** A number, an optional unit; bounded and linear-time (no user pattern, a fixed one). */
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19}(?:\\.\\d{1,6})?)\\s?([kKmMgGtTpP]i?[bB]?|[bB])?");
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSizes() {
    }

    /**
     * Bytes of {@code text}, or null for {@code none}/{@code unlimited}. Fails with
     * {@link IllegalArgumentException} (saying what is accepted) for anything else.
     */
    public static Long parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("none") || t.equalsIgnoreCase("unlimited")) {
            return null;
        }
        Matcher m = t.length() > 40 ? null : SIZE.matcher(t);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is no size: write bytes, or a number with KiB, MiB, GiB, TiB (or kB, MB, GB, TB), or none");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long base = unit.contains("i") || unit.equals("b") ? 1024 : 1000;
        int power = switch (unit.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            case 'p' -> 5;
            default -> 0;
        };
        try {
            return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(base).pow(power))
                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** {@code bytes} for people: {@code 512 B}, {@code 9.6 GiB}. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = String.format(Locale.ROOT, "%.1f", value);
        if (number.endsWith(".0")) {
            number = number.substring(0, number.length() - 2);
        }
        return number + " " + UNITS[unit];
    }
}
