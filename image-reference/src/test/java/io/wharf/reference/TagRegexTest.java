package io.wharf.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tag regex grammar row by row: what it accepts and matches, what it refuses and why, and that the
 * patterns and tags that make a backtracking engine run for hours are matched in milliseconds.
 */
class TagRegexTest {

    /** A generous bound for one match of a tag; RE2J takes well under a millisecond. */
    private static final long MATCH_BOUND_NANOS = 50_000_000L;

    @BeforeAll
    static void loadTheEngine() {
        // The first match loads and initializes RE2J's classes; that is no part of any one match's time.
        assertTrue(TagRegex.compile("(a|b)+c").matches("abc"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" matches \"{1}\": {2}")
    @CsvSource(delimiterString = " | ", emptyValue = "", value = {
            "v\\d+\\.\\d+                  | v1.22                | true",
            "v\\d+\\.\\d+                  | xv1.22               | false",
            "v\\d+\\.\\d+                  | v1.22x               | false",
            "(main)?develop                | develop              | true",
            "(main)?develop                | maindevelop          | true",
            "release-[0-9]{4}\\.[0-9]+     | release-2024.1       | true",
            "release-[0-9]{4}\\.[0-9]+     | release-24.1         | false",
            "v?[0-9.]+|stable              | stable               | true",
            "v?[0-9.]+|stable              | 1.4                  | true",
            "v?[0-9.]+|stable              | unstable             | false",
            "(?i)latest                    | LATEST               | true",
            "latest                        | LATEST               | false",
            "[[:alpha:]]+-[[:digit:]]+     | rc-1                 | true",
            "\\p{L}+                       | abc                  | true",
            "[^-]+                         | a-b                  | false",
            "[]a]+                         | ]a]                  | true",
            "\\Qv1.*\\E                    | v1.*                 | true",
            "\\Qv1.*\\E                    | v1.2                 | false",
            "(?P<major>\\d+)\\.\\d+        | 1.2                  | true",
            "a{2,3}                        | aaa                  | true",
            "a{2,3}                        | aaaa                 | false",
            "a{2,}                         | aaaaaaa              | true",
            "a{,2}                         | a{,2}                | true",
            "x{                            | x{                   | true",
            "a+?b*?                        | aab                  | true",
            "a??b                          | b                    | true",
            "(a|aa)+$                      | aaaa                 | true",
            "^v1$                          | v1                   | true",
            "(.*a){12}                     | aaaaaaaaaaaa         | true",
            "(.*a){12}                     | aaaaaaaaaaa          | false",
            ".*                            | ''                   | true",
    })
    void matchesTheWholeTag(String pattern, String tag, boolean expected) {
        assertEquals(expected, TagRegex.compile(pattern).matches(tag));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is refused: {1}")
    @CsvSource(delimiterString = " | ", quoteCharacter = '"', emptyValue = "", value = {
            "(a)\\1                   | backreference \\1 is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "(v)-\\9                  | backreference \\9 is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "(?<v>a)\\k<v>            | named backreference \\k< is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "v(?=1)\\d+               | lookahead (?=...) is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "v(?!0)\\d+               | lookahead (?!...) is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "(?<=v)1                  | lookbehind (?<=...) is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "(?<!x)v1                 | lookbehind (?<!...) is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "(?>a|ab)c                | atomic group (?>...) is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "v1.*+                    | possessive quantifier *+ is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "a++b                     | possessive quantifier ++ is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "a?+                      | possessive quantifier ?+ is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "a{2}+                    | possessive quantifier {2}+ is not allowed: tag regexes use RE2 syntax, which matches in linear time",
            "((a{10}){10}){11}        | counted repetitions make 1100 copies at {11}, at most 1000 are allowed",
            "(a{1000}){1000}          | counted repetitions make 1000000 copies at {1000}, at most 1000 are allowed",
            "((((a{999}){999}){999}){999}){999} | counted repetitions make 998001 copies at {999}, at most 1000 are allowed",
            "a{1001}                  | counted repetitions make 1001 copies at {1001}, at most 1000 are allowed",
            "a{99999999999}           | counted repetitions make over a million copies at {99999999999}, at most 1000 are allowed",
            "(unclosed                | not a valid regular expression: missing closing ): (unclosed",
            "[z-a]                    | not a valid regular expression: invalid character class range: z-a",
            "v\\h                     | not a valid regular expression: invalid escape sequence: \\h",
            "**                       | not a valid regular expression: missing argument to repetition operator: *",
            "a**                      | not a valid regular expression: invalid nested repetition operator: **",
            "\"\"                     | pattern must not be empty",
    })
    void refusesWhatNeedsBacktrackingOrIsNoRegex(String pattern, String message) {
        assertEquals(message, assertThrows(InvalidPatternException.class, () -> TagRegex.compile(pattern)).getMessage());
    }

    @Test
    void boundsThePatternLengthAndSize() {
        String longest = "a".repeat(TagRegex.MAX_LENGTH);
        assertTrue(TagRegex.compile(longest).matches(longest));
        assertEquals("pattern must not be more than 256 characters",
                assertThrows(InvalidPatternException.class, () -> TagRegex.compile(longest + "a")).getMessage());
        assertThrows(NullPointerException.class, () -> TagRegex.compile(null));
        assertFalse(TagRegex.compile(".*").matches(null));

        // Each repetition alone is allowed; together they would compile to a program too large to match fast.
        String large = "[a-z]{1000}".repeat(TagRegex.MAX_LENGTH / 11);
        InvalidPatternException e = assertThrows(InvalidPatternException.class, () -> TagRegex.compile(large));
        assertTrue(e.getMessage().startsWith("pattern is too large: it compiles to "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" instructions, at most " + TagRegex.MAX_PROGRAM_SIZE + " are allowed"), e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" against {2} × \"{1}\" + \"{3}\"")
    @CsvSource(delimiterString = " | ", emptyValue = "", value = {
            // java.util.regex takes hours over the first row: it is what stalled the notifier's intake.
            "(.*a){12}                 | a  | 60    | -   | false",
            "(.*a){20}                 | a  | 128   | -   | false",
            "(a|aa)+$                  | a  | 128   | b   | false",
            "(a+)+$                    | a  | 128   | !   | false",
            "(a+)+b                    | a  | 128   | ''  | false",
            "(x+x+)+y                  | x  | 128   | ''  | false",
            "(a*)*b                    | a  | 128   | ''  | false",
            "(a|a?)+b                  | a  | 128   | ''  | false",
            "(\\w|\\d)+-               | 1  | 128   | x   | false",
            "([a-z0-9]+)*\\.[a-z]+     | a  | 128   | !   | false",
            "(.*){1,100}[bc]           | a  | 128   | ''  | false",
            "(a{1,30}){1,30}b          | a  | 128   | ''  | false",
            "(.*a){12}                 | a  | 1000  | -   | false",
            "(x+x+)+y                  | x  | 1000  | y   | true",
    })
    void matchesCatastrophicPatternsInMilliseconds(String pattern, String unit, int times, String end, boolean expected) {
        assertMatchesFast(TagRegex.compile(pattern), unit.repeat(times) + end, expected);
    }

    @Test
    void theLargestAcceptedProgramStillMatchesTheLongestTagInMilliseconds() {
        // Close to MAX_PROGRAM_SIZE instructions, every one of them live at every character.
        assertMatchesFast(TagRegex.compile("(?:[a-z]{0,500}){1,2}".repeat(2) + "[0-9]"), "a".repeat(128), false);
    }

    /**
     * Asserts the answer, and that the fastest of three matches takes less than the bound: a pause of the
     * machine may slow one match, while a backtracking engine would be slow every time.
     */
    private static void assertMatchesFast(TagRegex regex, String tag, boolean expected) {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            boolean matched = regex.matches(tag);
            fastest = Math.min(fastest, System.nanoTime() - start);
            assertEquals(expected, matched);
        }
        assertTrue(fastest < MATCH_BOUND_NANOS, regex + " took " + fastest / 1_000_000 + " ms over a tag of " + tag.length());
    }

    @Test
    void keepsThePatternAsGiven() {
        assertEquals("v\\d+", TagRegex.compile("v\\d+").pattern());
        assertEquals("v\\d+", TagRegex.compile("v\\d+").toString());
    }
}
