package io.wharf.reference;

import java.util.Arrays;
import java.util.Objects;

/**
 * The one pattern grammar for repository names and tags (subscriptions, deploy rules, search), after
 * Harbor's doublestar:
 * <ul>
 *   <li>{@code *} matches any run of characters within one path segment, {@code /} excluded:
 *       {@code team/*} matches {@code team/app}, not {@code team/app/api}.</li>
 *   <li>{@code **} matches any run of characters, {@code /} included: {@code team/**} matches
 *       {@code team/app} and {@code team/app/api}, {@code team/svc-**} matches {@code team/svc-a/b}.
 *       Longer runs of {@code *} mean the same as {@code **}.</li>
 *   <li>A {@code **} that is a whole segment also matches zero segments, its {@code /} with it:
 *       <code>team/**&#47;api</code> matches {@code team/api}, <code>**&#47;api</code> matches {@code api}, and
 *       {@code team/**} matches {@code team} itself.</li>
 *   <li>{@code ?} matches exactly one character other than {@code /}.</li>
 *   <li>Every other character stands for itself ({@code .}, {@code +}, {@code (}, {@code [}, {@code \}
 *       included); there is no escape character and no character class.</li>
 * </ul>
 * A pattern matches the whole value, never a part of it. Matching is case-sensitive.
 *
 * <p>Guarantees: a pattern is 1 to {@value #MAX_LENGTH} characters ({@link InvalidPatternException}
 * otherwise); matching takes time linear in the value's length times the pattern's length, whatever
 * either holds (a set of pattern positions is advanced one character at a time, nothing backtracks);
 * no regular-expression engine ever sees the pattern. Instances are immutable and thread-safe.
 */
public final class Glob {

    /** The longest pattern {@link #compile(String)} accepts. */
    public static final int MAX_LENGTH = 256;

    private static final byte LITERAL = 0;
    /** {@code ?}: one character, not {@code /}. */
    private static final byte ONE = 1;
    /** {@code *}: a run of characters, not {@code /}. */
    private static final byte SEGMENT_RUN = 2;
    /** {@code **}: a run of any characters. */
    private static final byte ANY_RUN = 3;

    private final String pattern;
    // Token i moves the matcher from position i to i + 1; position kinds.length accepts.
    private final byte[] kinds;
    private final char[] literals;
    /** Where a {@code /**} that is a whole segment may be skipped, from before its {@code /}: skip[i] > i, or 0. */
    private final int[] skip;
    /** Where the match may begin besides 0: after a leading {@code **}{@code /}, which may match nothing; or 0. */
    private final int startSkip;
    private final boolean literal;

    private Glob(String pattern, byte[] kinds, char[] literals, int[] skip, int startSkip) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.literals = literals;
        this.skip = skip;
        this.startSkip = startSkip;
        this.literal = !hasWildcard(pattern);
    }

    /**
     * Compiles {@code pattern}.
     *
     * @throws InvalidPatternException when it is empty or longer than {@value #MAX_LENGTH} characters
     * @throws NullPointerException    when it is null
     */
    public static Glob compile(String pattern) {
        requireLength(pattern);
        int n = pattern.length();
        byte[] kinds = new byte[n];
        char[] literals = new char[n];
        int[] skip = new int[n + 1];
        int startSkip = 0;
        int t = 0;
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                int end = i;
                while (end < n && pattern.charAt(end) == '*') {
                    end++;
                }
                if (end - i == 1) {
                    kinds[t++] = SEGMENT_RUN;
                } else {
                    boolean segmentStart = i == 0 || pattern.charAt(i - 1) == '/';
                    boolean segmentEnd = end == n || pattern.charAt(end) == '/';
                    if (segmentStart && segmentEnd) {
                        if (i > 0) {
                            skip[t - 1] = t + 1;       // "/**" matches nothing: from before the '/' to after the '**'
                        } else if (end < n) {
                            startSkip = 2;             // a leading "**/" matches nothing
                        }
                    }
                    kinds[t++] = ANY_RUN;
                }
                i = end - 1;
            } else if (c == '?') {
                kinds[t++] = ONE;
            } else {
                kinds[t] = LITERAL;
                literals[t++] = c;
            }
        }
        return new Glob(pattern, Arrays.copyOf(kinds, t), Arrays.copyOf(literals, t), Arrays.copyOf(skip, t + 1), startSkip);
    }

    /**
     * The bound every user pattern shares (globs and {@link TagRegex}es): 1 to {@value #MAX_LENGTH} characters.
     *
     * @throws InvalidPatternException when {@code pattern} is empty or longer
     * @throws NullPointerException    when it is null
     */
    static void requireLength(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new InvalidPatternException("pattern must not be empty");
        }
        if (pattern.length() > MAX_LENGTH) {
            throw new InvalidPatternException("pattern must not be more than " + MAX_LENGTH + " characters");
        }
    }

    /** True when {@code text} contains a wildcard ({@code *} or {@code ?}), i.e. is no literal name. */
    public static boolean hasWildcard(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** The pattern as given. */
    public String pattern() {
        return pattern;
    }

    /** True when the pattern has no wildcard: it matches exactly the one value equal to it. */
    public boolean isLiteral() {
        return literal;
    }

    /** True when the whole of {@code value} matches; false for null. */
    public boolean matches(CharSequence value) {
        if (value == null) {
            return false;
        }
        if (literal) {
            return pattern.contentEquals(value);
        }
        int positions = kinds.length + 1;
        boolean[] current = new boolean[positions];
        boolean[] next = new boolean[positions];
        current[0] = true;
        current[startSkip] = true;
        close(current);
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            boolean any = false;
            Arrays.fill(next, false);
            for (int i = 0; i < kinds.length; i++) {
                if (!current[i]) {
                    continue;
                }
                switch (kinds[i]) {
                    case LITERAL -> {
                        if (literals[i] == c) {
                            next[i + 1] = true;
                            any = true;
                        }
                    }
                    case ONE -> {
                        if (c != '/') {
                            next[i + 1] = true;
                            any = true;
                        }
                    }
                    case SEGMENT_RUN -> {
                        if (c != '/') {
                            next[i] = true;
                            any = true;
                        }
                    }
                    default -> {
                        next[i] = true;
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
            close(next);
            boolean[] swap = current;
            current = next;
            next = swap;
        }
        return current[kinds.length];
    }

    /**
     * Adds the positions reachable without reading a character: past a run, which may be empty, and
     * past a skippable {@code /**}. Every such move goes forward, so one pass does.
     */
    private void close(boolean[] active) {
        for (int i = 0; i < kinds.length; i++) {
            if (active[i]) {
                if (kinds[i] == SEGMENT_RUN || kinds[i] == ANY_RUN) {
                    active[i + 1] = true;
                }
                if (skip[i] > 0) {
                    active[skip[i]] = true;
                }
            }
        }
    }

    /**
     * The pattern as an SQL {@code LIKE} pattern with escape character {@code \} (PostgreSQL's default):
     * {@code %}, {@code _} and {@code \} are escaped, {@code *} and {@code **} become {@code %}, {@code ?}
     * becomes {@code _}, and a whole-segment {@code **} that may match zero segments takes its {@code /}
     * into the {@code %}.
     *
     * <p>Every value this glob matches also matches the LIKE pattern. The converse holds only when
     * neither the pattern nor the value contains {@code /} (tags never do: for a tag glob the LIKE
     * pattern is exact): LIKE's {@code %} and {@code _} also match {@code /}. Where a {@code /} may
     * occur, filter the rows with {@link #matches(CharSequence)} afterwards.
     */
    public String toLikePattern() {
        StringBuilder like = new StringBuilder(pattern.length() + 8);
        boolean afterPercent = startSkip > 0;
        if (afterPercent) {
            like.append('%');
        }
        for (int i = startSkip; i < kinds.length; ) {
            int to = skip[i] > 0 ? skip[i] : i + 1;
            if (skip[i] > 0 || kinds[i] == SEGMENT_RUN || kinds[i] == ANY_RUN) {
                if (!afterPercent) {
                    like.append('%');
                }
                afterPercent = true;
            } else {
                char c = literals[i];
                if (kinds[i] == ONE) {
                    like.append('_');
                } else if (c == '%' || c == '_' || c == '\\') {
                    like.append('\\').append(c);
                } else {
                    like.append(c);
                }
                afterPercent = false;
            }
            i = to;
        }
        return like.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob other && pattern.equals(other.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
