package io.wharf.deployer.rule;

import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.RepositoryGlob;

/**
 * The repositories a rule watches: one name ({@code acme/api}) or a pattern within one project
 * ({@code acme/svc-*}, {@code acme/**}) in the grammar of {@link io.wharf.reference.Glob}. The project,
 * the first path segment, must be fixed: it decides who manages the rule.
 */
public record RepositoryPattern(String value, String project, RepositoryGlob glob) {

    /** Parses a rule's repository; {@link DeployerException} (400) naming the problem when it is not valid. */
    public static RepositoryPattern of(String value) {
        try {
            RepositoryGlob glob = RepositoryGlob.parse(value);
            return new RepositoryPattern(value, glob.project(), glob);
        } catch (InvalidPatternException e) {
            throw DeployerException.invalid(e.getMessage());
        }
    }

    public boolean matches(String repository) {
        return glob.matches(repository);
    }

    /** The project of a repository name: its first path segment. */
    public static String projectOf(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }
}
