package io.wharf.reference;

import java.util.Objects;

/**
 * The repositories of one project that a subscription or a deploy rule watches: one repository name
 * ({@code team/api}) or a {@link Glob} after a fixed project ({@code team/svc-*}, {@code team/**}).
 *
 * <p>Valid when: it is {@code project/rest}; the project has no wildcard and is a valid project name
 * ({@link RepositoryNames#validateProject(String)}), since it decides who manages what watches it; a
 * name without wildcard is a valid repository name; a pattern with wildcards becomes a valid repository
 * name when each wildcard is read as a letter (so {@code team/-*} or {@code team//x} are refused: no
 * repository could match them); and it is at most {@value Glob#MAX_LENGTH} characters.
 */
public final class RepositoryGlob {

    private final String project;
    private final Glob glob;

    private RepositoryGlob(String project, Glob glob) {
        this.project = project;
        this.glob = glob;
    }

    /**
     * Parses {@code value}.
     *
     * @throws InvalidPatternException naming what is wrong, when it is not valid (null and blank included)
     */
    public static RepositoryGlob parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidPatternException("repository is required");
        }
        Glob glob = Glob.compile(value);
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new InvalidPatternException("repository must be project/name (a pattern may follow the project): " + value);
        }
        String project = value.substring(0, slash);
        if (Glob.hasWildcard(project)) {
            throw new InvalidPatternException("the project of a repository pattern must be fixed: " + value);
        }
        if (!Grammar.isProject(project)) {
            throw new InvalidPatternException("not a project of " + value + ": " + Grammar.PROJECT_INVALID);
        }
        if (glob.isLiteral()) {
            String problem = Grammar.pathProblem(value);
            if (problem != null || value.length() > Grammar.MAX_NAME_LENGTH) {
                throw new InvalidPatternException("not a valid repository name: " + value
                        + " (" + (problem != null ? problem : Grammar.NAME_TOO_LONG) + ")");
            }
        } else if (!RepositoryNames.isValidRepository(value.replace('*', 'x').replace('?', 'x'))) {
            throw new InvalidPatternException("not a valid repository pattern: " + value
                    + " (with each wildcard read as a letter it must be a repository name)");
        }
        return new RepositoryGlob(project, glob);
    }

    /** The project: the first path segment, never a pattern. */
    public String project() {
        return project;
    }

    /** The whole pattern, project included. */
    public Glob glob() {
        return glob;
    }

    /** The pattern as given. */
    public String pattern() {
        return glob.pattern();
    }

    /** True when {@code repository} (a full name, {@code project/name}) is watched. */
    public boolean matches(String repository) {
        return glob.matches(repository);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RepositoryGlob other && glob.equals(other.glob);
    }

    @Override
    public int hashCode() {
        return Objects.hash(glob);
    }

    @Override
    public String toString() {
        return glob.pattern();
    }
}
