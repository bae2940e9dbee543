package io.wharf.registry.immutability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.RepositoryGlob;
import io.wharf.reference.TagRegex;

/**
 * One tag immutability rule of a project, as stored, with its patterns compiled.
 *
 * <p>A rule protects a tag of a repository when: it is enabled; the tag is no signature or attestation
 * tag ({@link #isSignatureTag}) unless the rule includes those; the repository is in scope (INCLUDE: some
 * repository pattern matches it; EXCLUDE: none does); and the tag is in scope the same way. Repository
 * patterns are {@link RepositoryGlob}s of the rule's project, tag patterns {@link Glob}s or, with syntax
 * {@code regex}, {@link TagRegex}es: matching takes time linear in the name, whatever a pattern says.
 *
 * @param id                   the rule's id, which refusals name
 * @param project              the project the rule belongs to
 * @param description          what the rule is for, as its author wrote it (may be null)
 * @param enabled              a disabled rule protects nothing
 * @param repositories         repository patterns (full names, {@code project/...})
 * @param repositoriesExcluded true: the rule covers the repositories no pattern matches
 * @param tags                 tag patterns
 * @param tagsExcluded         true: the rule covers the tags no pattern matches
 * @param syntax               how tag patterns are read: {@code glob} or {@code regex}
 * @param includeSignatureTags true: signature and attestation tags are protected too
 */
public record ImmutabilityRule(long id, String project, String description, boolean enabled, List<String> repositories,
        boolean repositoriesExcluded, List<String> tags, boolean tagsExcluded, String syntax, boolean includeSignatureTags,
        String createdBy, Instant createdAt, Instant updatedAt, Matcher matcher) {

    /** Tag pattern syntax: the shared glob grammar. */
    public static final String GLOB = "glob";
    /** Tag pattern syntax: RE2 regular expressions, matched against the whole tag. */
    public static final String REGEX = "regex";
    /** A pattern list covers what its patterns match. */
    public static final String INCLUDE = "include";
    /** A pattern list covers what none of its patterns match. */
    public static final String EXCLUDE = "exclude";
    /** The most patterns one list may hold. */
    public static final int MAX_PATTERNS = 20;
    /** The longest description. */
    public static final int MAX_DESCRIPTION = 1024;

    /**
     * True for the tags signing and attestation tools push next to an image ({@code sha256-<hex>},
     * {@code sha256-<hex>.sig}, {@code *.att}, and any {@code *.sig}): rules leave them alone by default,
     * since cosign and friends move them when they add a signature.
     */
    public static boolean isSignatureTag(String tag) {
        return tag.startsWith("sha256-") || tag.endsWith(".sig") || tag.endsWith(".att");
    }

    /** True when this rule protects {@code tag} of {@code repository} (a full name). */
    public boolean protects(String repository, String tag) {
        if (!enabled || !includeSignatureTags && isSignatureTag(tag)) {
            return false;
        }
        return matcher.repositories.test(repository) != repositoriesExcluded && matcher.tags.test(tag) != tagsExcluded;
    }

    /** The rule in words, for refusals and the UI: {@code tags v* in acme/**}. */
    public String summary() {
        String tagWords = (tagsExcluded ? "tags except " : "tags ") + (REGEX.equals(syntax) ? "matching regex " : "")
                + String.join(", ", tags);
        String repositoryWords = repositoriesExcluded ? "repositories of " + project + " except " + String.join(", ", repositories)
                : String.join(", ", repositories);
        return tagWords + " in " + repositoryWords + (includeSignatureTags ? ", signature tags included" : "");
    }

    /** {@code rule 3: tags v* in acme/**}. */
    public String name() {
        return "rule " + id + ": " + summary();
    }

    /** The compiled patterns of a rule. */
    public record Matcher(Predicate<String> repositories, Predicate<String> tags) {
    }

    /**
     * Checks a rule's patterns and compiles them; the {@link Rejected} exception names the field and
     * what is wrong with it in words a user can act on.
     *
     * @param project      the rule's project: each repository pattern must be in it
     * @param repositories repository patterns; null or empty: every repository of the project
     * @param tags         tag patterns, at least one
     * @param syntax       {@code glob} (null: the default) or {@code regex}, any case
     */
    public static Compiled compile(String project, List<String> repositories, List<String> tags, String syntax) {
        List<String> repositoryPatterns = repositories == null || repositories.isEmpty() ? List.of(project + "/**") : repositories;
        String tagSyntax = syntax == null ? GLOB : syntax.toLowerCase(Locale.ROOT);
        if (!GLOB.equals(tagSyntax) && !REGEX.equals(tagSyntax)) {
            throw new Rejected("tagPatternSyntax must be glob or regex, not " + syntax);
        }
        checkSize("repositories", repositoryPatterns);
        if (tags == null || tags.isEmpty()) {
            throw new Rejected("tags must list at least one pattern (for every tag: \"**\")");
        }
        checkSize("tags", tags);
        List<Predicate<String>> repositoryMatchers = new ArrayList<>();
        for (int i = 0; i < repositoryPatterns.size(); i++) {
            String pattern = repositoryPatterns.get(i);
            try {
                RepositoryGlob glob = RepositoryGlob.parse(pattern);
                if (!glob.project().equals(project)) {
                    throw new Rejected("repositories[" + i + "]: " + pattern + " is not in project " + project
                            + " (write it as " + project + "/...)");
                }
                repositoryMatchers.add(glob::matches);
            } catch (InvalidPatternException e) {
                throw new Rejected("repositories[" + i + "]: " + e.getMessage());
            }
        }
        List<Predicate<String>> tagMatchers = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            String pattern = tags.get(i);
            if (pattern == null) {
                throw new Rejected("tags[" + i + "]: a pattern is required");
            }
            try {
                tagMatchers.add(REGEX.equals(tagSyntax) ? TagRegex.compile(pattern)::matches : Glob.compile(pattern)::matches);
            } catch (InvalidPatternException e) {
                throw new Rejected("tags[" + i + "]: " + e.getMessage());
            }
        }
        return new Compiled(List.copyOf(repositoryPatterns), List.copyOf(tags), tagSyntax,
                new Matcher(any(repositoryMatchers), any(tagMatchers)));
    }

    /** Reads {@code include} or {@code exclude} (any case; null: include); true for exclude. */
    public static boolean excludes(String field, String match) {
        if (match == null || INCLUDE.equalsIgnoreCase(match)) {
            return false;
        }
        if (EXCLUDE.equalsIgnoreCase(match)) {
            return true;
        }
        throw new Rejected(field + " must be include or exclude, not " + match);
    }

    private static void checkSize(String field, List<String> patterns) {
        if (patterns.size() > MAX_PATTERNS) {
            throw new Rejected(field + " must list at most " + MAX_PATTERNS + " patterns");
        }
    }

    private static Predicate<String> any(List<Predicate<String>> matchers) {
        return value -> {
            for (Predicate<String> m : matchers) {
                if (m.test(value)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Patterns as they are stored (defaults filled in), and their matcher. */
    public record Compiled(List<String> repositories, List<String> tags, String syntax, Matcher matcher) {
    }

    /** A rule that cannot be stored; the message says which field and why. */
    public static final class Rejected extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }
}
