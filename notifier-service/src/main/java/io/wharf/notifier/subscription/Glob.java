package io.wharf.notifier.subscription;

import java.util.regex.Pattern;

/**
 * Shell-style patterns for repository names and tags: {@code *} matches within one path segment,
 * {@code **} across segments, {@code ?} one character; everything else is literal.
 */
public final class Glob {

    private Glob() {
    }

    public static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    public static boolean matches(String glob, String value) {
        return compile(glob).matcher(value).matches();
    }

    public static boolean hasWildcard(String value) {
        return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
    }
}
