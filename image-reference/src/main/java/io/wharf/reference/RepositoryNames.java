package io.wharf.reference;

import java.util.Objects;

/**
 * Validation of the repository names and tags that appear in the registry's own URL paths,
 * {@code /v2/<name>/manifests/<tag>}: here {@code <name>} has no registry host and no defaults apply.
 *
 * <p>A repository name is one or more {@code /}-separated components, each
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*}, and at most 255 characters in total.
 * A tag is {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}.
 * A project (also an account name) is one component of 2 to 64 characters: the first component of
 * every repository that belongs to it. ({@code my--team} and {@code a__b} are valid, {@code a___b},
 * {@code My-Team} and {@code a} are not.)
 * The exceptions' message and reason are the same text.
 */
public final class RepositoryNames {

    private RepositoryNames() {
    }

    /**
     * Checks a repository name such as {@code library/nginx} or {@code team/app}.
     *
     * @throws InvalidReferenceException (code {@code NAME_INVALID}) with one of:
     *         {@code repository name must have at least one component} (empty),
     *         {@code repository name must be lowercase} (valid once lower-cased),
     *         {@code repository name must not contain empty components (leading, trailing or repeated '/')},
     *         {@code repository name component (x) must be ...} (a bad component),
     *         {@code repository name must not be more than 255 characters}
     * @throws NullPointerException if {@code name} is null
     */
    public static void validateRepository(String name) {
        Objects.requireNonNull(name, "name");
        String problem = Grammar.pathProblem(name);
        if (problem != null) {
            if (!Grammar.isLowerCase(name) && Grammar.pathProblem(name.toLowerCase(java.util.Locale.ROOT)) == null) {
                problem = Grammar.NAME_LOWERCASE;
            }
            throw new InvalidReferenceException(problem, InvalidReferenceException.Code.NAME_INVALID);
        }
        if (name.length() > Grammar.MAX_NAME_LENGTH) {
            throw new InvalidReferenceException(Grammar.NAME_TOO_LONG, InvalidReferenceException.Code.NAME_INVALID);
        }
    }

    /**
     * Checks a tag such as {@code 2.1.0-alpine}.
     *
     * @throws InvalidReferenceException (code {@code TAG_INVALID}) with one of:
     *         {@code invalid tag format: tag must not be empty},
     *         {@code invalid tag format: tag must not be more than 128 characters},
     *         {@code invalid tag format: tag must start with a letter, digit or '_' and contain only ...}
     * @throws NullPointerException if {@code tag} is null
     */
    public static void validateTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        String problem = Grammar.tagProblem(tag);
        if (problem != null) {
            throw new InvalidReferenceException(problem, InvalidReferenceException.Code.TAG_INVALID);
        }
    }

    /**
     * Checks a project name such as {@code team} or {@code my--team}.
     *
     * @throws InvalidReferenceException (code {@code NAME_INVALID}) with the message
     *         {@code project name must be 2-64 characters of lowercase letters and digits, separated by '.', '_', '__' or '-'}
     * @throws NullPointerException if {@code name} is null
     */
    public static void validateProject(String name) {
        Objects.requireNonNull(name, "name");
        if (!Grammar.isProject(name)) {
            throw new InvalidReferenceException(Grammar.PROJECT_INVALID, InvalidReferenceException.Code.NAME_INVALID);
        }
    }

    /** True when {@link #validateProject(String)} accepts {@code name}; false for null. */
    public static boolean isValidProject(String name) {
        return name != null && Grammar.isProject(name);
    }

    /**
     * True when {@code name} is one repository path component ({@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*},
     * any length), the grammar of project, account and robot names; false for null.
     */
    public static boolean isValidPathComponent(String name) {
        return name != null && Grammar.isPathComponent(name);
    }

    /** True when {@link #validateRepository(String)} accepts {@code name}; false for null. */
    public static boolean isValidRepository(String name) {
        return name != null && Grammar.pathProblem(name) == null && name.length() <= Grammar.MAX_NAME_LENGTH;
    }

    /** True when {@link #validateTag(String)} accepts {@code tag}; false for null. */
    public static boolean isValidTag(String tag) {
        return tag != null && Grammar.tagProblem(tag) == null;
    }
}
