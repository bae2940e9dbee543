package io.wharf.registry.api.manage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.wharf.reference.RepositoryNames;
import io.wharf.registry.search.SearchQuery;

/**
 * Turns search query parameters into a {@link SearchQuery}, refusing what is not valid with 400 and
 * a message naming the parameter. Numbers are parsed here (not by JAX-RS, which would answer 404).
 */
public final class SearchParams {

    public static final int MAX_TEXT = 255;
    public static final int MAX_PAGE_SIZE = 100;
    /** Deep pages cost a sort of everything before them; past this, narrow the query instead. */
    public static final int MAX_RESULTS = 10_000;
    private static final Pattern TAG_GLOB = Pattern.compile("[A-Za-z0-9_.*?-]{1,128}");

    private SearchParams() {
    }

    public static String text(String q) {
        String t = q == null ? "" : q.trim();
        if (t.length() > MAX_TEXT) {
            throw ApiException.badRequest("q must be at most " + MAX_TEXT + " characters");
        }
        return t.toLowerCase(Locale.ROOT);
    }

    public static int number(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, not '" + value + "'");
        }
        if (n < min || n > max) {
            throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    public static void checkDepth(int page, int pageSize) {
        if ((long) page * pageSize > MAX_RESULTS) {
            throw ApiException.badRequest("only the first " + MAX_RESULTS + " results are served (page x page size); narrow the query");
        }
    }

    public static Set<SearchQuery.Kind> kinds(String value) {
        if (value == null || value.isBlank()) {
            return EnumSet.allOf(SearchQuery.Kind.class);
        }
        Set<SearchQuery.Kind> kinds = EnumSet.noneOf(SearchQuery.Kind.class);
        for (String k : value.split(",")) {
            try {
                kinds.add(SearchQuery.Kind.valueOf(k.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("kind must be project, repository or tag (comma-separated), not '" + k.trim() + "'");
            }
        }
        return kinds;
    }

    public static Boolean bool(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false, not '" + value + "'");
        };
    }

    public static Instant instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date (2026-01-31) or an instant (2026-01-31T12:00:00Z), not '" + value + "'");
        }
    }

    public static String tagGlob(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!TAG_GLOB.matcher(value).matches()) {
            throw ApiException.badRequest("tag must be a pattern of 1-128 tag characters (letters, digits, _ . -) with * and ?");
        }
        return value;
    }

    public static String project(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!RepositoryNames.isValidProject(value)) {
            throw ApiException.badRequest("project must be a project name (2-64 lowercase letters and digits, separated by . _ __ -)");
        }
        return value;
    }
}
