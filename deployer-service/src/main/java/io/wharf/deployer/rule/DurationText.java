package io.wharf.deployer.rule;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the API reads and writes them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationText() {
    }

    /** Null or blank reads as zero. */
    public static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = SHORT.matcher(text.trim());
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            Duration d = Duration.parse(text.trim());
            if (d.isNegative()) {
                throw DeployerException.invalid(field + " must not be negative");
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw DeployerException.invalid(field + " is not a duration (e.g. 30s, 5m, PT1H): " + text);
        }
    }

    /** The shortest exact form: {@code 0s}, {@code 1500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
    public static String format(long millis) {
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
