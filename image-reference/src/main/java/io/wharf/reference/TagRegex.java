package io.wharf.reference;

import java.util.Arrays;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The one grammar of tag regular expressions (a subscription's or a deploy rule's tag pattern of
 * syntax REGEX): RE2 syntax, compiled and matched by RE2J, an automaton that never backtracks.
 * <ul>
 *   <li>A pattern matches the whole tag, never a part of it ({@code v\d+} matches {@code v12}, not
 *       {@code xv12}), as {@code java.util.regex.Matcher#matches} did. Matching is case-sensitive
 *       unless the pattern says {@code (?i)}.</li>
 *   <li>Refused, naming the construct: backreferences ({@code \1}, {@code \k<name>}), lookahead
 *       ({@code (?=…)}, {@code (?!…)}), lookbehind ({@code (?<=…)}, {@code (?<!…)}), atomic groups
 *       ({@code (?>…)}) and possessive quantifiers ({@code *+}, {@code ++}, {@code ?+}, <code>{n}+</code>):
 *       none can be matched without backtracking.</li>
 *   <li>Refused as too large: counted repetitions that, nested, make more than {@value #MAX_REPETITION}
 *       copies of what they repeat (<code>((a{10}){10}){11}</code> makes 1100), and patterns that compile to
 *       more than {@value #MAX_PROGRAM_SIZE} RE2 instructions.</li>
 *   <li>Refused with RE2's own description: everything else RE2 does not read (an unclosed group, Java-only
 *       escapes such as {@code \h} or {@code \p{javaLowerCase}}).</li>
 * </ul>
 *
 * <p>Guarantees: a pattern is 1 to {@value #MAX_LENGTH} characters ({@link InvalidPatternException}
 * otherwise, as every refusal above); compiling it takes time and memory bounded by those limits; matching
 * takes time linear in the value's length times the program's size, whatever either holds. Instances are
 * immutable and thread-safe.
 */
public final class TagRegex {

    /** The longest pattern {@link #compile(String)} accepts, as for {@link Glob}. */
    public static final int MAX_LENGTH = Glob.MAX_LENGTH;
    /** The most copies of one expression that nested counted repetitions may make. */
    public static final int MAX_REPETITION = 1000;
    /** The largest compiled program accepted, in RE2 instructions. */
    public static final int MAX_PROGRAM_SIZE = 5000;

    private static final String LINEAR_TIME = ": tag regexes use RE2 syntax, which matches in linear time";

    private final String pattern;
    private final Pattern compiled;

    private TagRegex(String pattern, Pattern compiled) {
        this.pattern = pattern;
        this.compiled = compiled;
    }

    /**
     * Compiles {@code pattern}.
     *
     * @throws InvalidPatternException naming what is wrong, when it is empty, too long, too large, uses a
     *                                 construct that needs backtracking or is no RE2 regular expression
     * @throws NullPointerException    when it is null
     */
    public static TagRegex compile(String pattern) {
        Glob.requireLength(pattern);
        new Scan(pattern).run();
        Pattern compiled;
        try {
            compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            String fragment = e.getPattern();
            throw new InvalidPatternException("not a valid regular expression: " + e.getDescription()
                    + (fragment == null || fragment.isEmpty() ? "" : ": " + fragment));
        }
        if (compiled.programSize() > MAX_PROGRAM_SIZE) {
            throw new InvalidPatternException("pattern is too large: it compiles to " + compiled.programSize()
                    + " instructions, at most " + MAX_PROGRAM_SIZE + " are allowed");
        }
        return new TagRegex(pattern, compiled);
    }

    /** The pattern as given. */
    public String pattern() {
        return pattern;
    }

    /** True when the whole of {@code value} matches; false for null. */
    public boolean matches(CharSequence value) {
        return value != null && compiled.matcher(value).matches();
    }

    @Override
    public String toString() {
        return pattern;
    }

    /**
     * One pass over a pattern that finds what RE2 cannot match in linear time, before RE2J sees it, so the
     * refusal names the construct, and adds up nested counted repetitions, which RE2J would expand
     * without bound. It reads escapes, character classes, groups and quantifiers; what it does not
     * understand it leaves to RE2J's parser.
     */
    private static final class Scan {
        private final String p;
        private final int n;
        /** Per open group, the most copies one of its expressions makes; [0] is the whole pattern. */
        private int[] groups = new int[8];
        private int depth;
        /** Copies the last atom makes (a group's: its most), 0 when there is none to repeat. */
        private int lastAtom;
        /** Where the quantifier just read began, or -1: a '+' then is possessive, a '?' lazy. */
        private int quantifier = -1;

        Scan(String pattern) {
            this.p = pattern;
            this.n = pattern.length();
            groups[0] = 1;
        }

        void run() {
            int i = 0;
            while (i < n) {
                char c = p.charAt(i);
                int at = i;
                switch (c) {
                    case '\\' -> i = escape(i);
                    case '[' -> {
                        i = classEnd(i);
                        atom(1);
                    }
                    case '(' -> i = open(i);
                    case ')' -> {
                        if (depth > 0) {
                            int inner = groups[depth--];
                            groups[depth] = Math.max(groups[depth], inner);
                            atom(inner);
                        } else {
                            atom(1);
                        }
                        i++;
                    }
                    case '*', '+', '?' -> {
                        if (quantifier >= 0 && c == '+') {
                            refuse("possessive quantifier", p.substring(quantifier, i + 1));
                        }
                        // A '?' after a quantifier makes it lazy; RE2J refuses any other doubling.
                        quantifier = quantifier >= 0 && c == '?' ? -1 : at;
                        i++;
                    }
                    case '{' -> i = counted(i);
                    case '|' -> {
                        lastAtom = 0;
                        quantifier = -1;
                        i++;
                    }
                    default -> {
                        atom(1);
                        i++;
                    }
                }
            }
        }

        private void atom(int copies) {
            lastAtom = copies;
            quantifier = -1;
        }

        private int escape(int i) {
            if (i + 1 >= n) {
                return n;                                          // trailing backslash: RE2J says so
            }
            char d = p.charAt(i + 1);
            if (d >= '1' && d <= '9') {
                refuse("backreference", p.substring(i, i + 2));
            }
            if (d == 'k' && i + 2 < n && p.charAt(i + 2) == '<') {
                refuse("named backreference", p.substring(i, i + 3));
            }
            atom(1);
            if (d == 'Q') {                                        // \Q…\E quotes everything up to \E
                int end = p.indexOf("\\E", i + 2);
                return end < 0 ? n : end + 2;
            }
            if ((d == 'p' || d == 'P' || d == 'x') && i + 2 < n && p.charAt(i + 2) == '{') {
                int end = p.indexOf('}', i + 3);
                return end < 0 ? n : end + 1;
            }
            return i + 2;
        }

        /** The index after the class that opens at {@code i} ({@code n} when it is not closed: RE2J says so). */
        private int classEnd(int i) {
            int j = i + 1;
            if (j < n && p.charAt(j) == '^') {
                j++;
            }
            if (j < n && p.charAt(j) == ']') {
                j++;                                               // a leading ']' stands for itself
            }
            while (j < n) {
                char c = p.charAt(j);
                if (c == ']') {
                    return j + 1;
                }
                if (c == '\\') {
                    j += 2;
                } else if (c == '[' && j + 1 < n && p.charAt(j + 1) == ':') {
                    int end = p.indexOf(":]", j + 2);              // [:alpha:]
                    j = end < 0 ? j + 1 : end + 2;
                } else {
                    j++;
                }
            }
            return n;
        }

        private int open(int i) {
            if (p.startsWith("(?=", i) || p.startsWith("(?!", i)) {
                refuse("lookahead", p.substring(i, i + 3) + "...)");
            }
            if (p.startsWith("(?<=", i) || p.startsWith("(?<!", i)) {
                refuse("lookbehind", p.substring(i, i + 4) + "...)");
            }
            if (p.startsWith("(?>", i)) {
                refuse("atomic group", "(?>...)");
            }
            if (p.startsWith("(?", i)) {                           // flags alone, (?i) or (?-s), open no group
                int j = i + 2;
                while (j < n && (Character.isLetter(p.charAt(j)) || p.charAt(j) == '-')) {
                    j++;
                }
                if (j < n && p.charAt(j) == ')') {
                    lastAtom = 0;
                    quantifier = -1;
                    return j + 1;
                }
            }
            if (++depth == groups.length) {
                groups = Arrays.copyOf(groups, depth * 2);
            }
            groups[depth] = 1;
            lastAtom = 0;
            quantifier = -1;
            return i + 1;
        }

        /** Reads <code>{n}</code>, <code>{n,}</code> or <code>{n,m}</code> at {@code i}; anything else is a literal '{'. */
        private int counted(int i) {
            int j = i + 1;
            long min = 0;
            long max = -1;
            int digits = 0;
            while (j < n && Character.isDigit(p.charAt(j))) {
                min = Math.min(min * 10 + (p.charAt(j++) - '0'), Integer.MAX_VALUE);
                digits++;
            }
            if (digits > 0 && j < n && p.charAt(j) == ',') {
                j++;
                if (j < n && Character.isDigit(p.charAt(j))) {
                    max = 0;
                    while (j < n && Character.isDigit(p.charAt(j))) {
                        max = Math.min(max * 10 + (p.charAt(j++) - '0'), Integer.MAX_VALUE);
                    }
                }
            } else {
                max = min;
            }
            if (digits == 0 || j >= n || p.charAt(j) != '}') {
                atom(1);
                return i + 1;
            }
            if (quantifier < 0) {                                  // after another quantifier RE2J refuses it
                long copies = Math.max(lastAtom, 1) * Math.max(Math.max(min, max), 1);
                if (copies > MAX_REPETITION) {
                    throw new InvalidPatternException("counted repetitions make " + (copies > 1_000_000 ? "over a million" : copies)
                            + " copies at " + p.substring(i, j + 1) + ", at most " + MAX_REPETITION + " are allowed");
                }
                groups[depth] = Math.max(groups[depth], (int) copies);
            }
            quantifier = i;
            return j + 1;
        }

        private static void refuse(String construct, String text) {
            throw new InvalidPatternException(construct + " " + text + " is not allowed" + LINEAR_TIME);
        }
    }
}
