package io.wharf.deployer.rule;

import java.util.regex.Pattern;

import io.wharf.reference.RepositoryNames;

/**
 * The repositories a rule watches: one name ({@code acme/api}) or a glob within one project
 * ({@code acme/svc-*}). The project, the first path segment, must be fixed: it decides who manages the rule.
 */
public record RepositoryPattern(String value, String project, Pattern pattern) {

    public static RepositoryPattern of(String value) {
        if (value == null || value.isBlank()) {
            throw DeployerException.invalid("repository is required");
        }
        int slash = value.indexOf('/');
        if (slash <= 0) {
            throw DeployerException.invalid("repository must be project/name (a glob may follow the project)");
        }
        String project = value.substring(0, slash);
        if (Globs.isGlob(project)) {
            throw DeployerException.invalid("the project of a repository glob must be fixed: " + value);
        }
        if (Globs.isGlob(value)) {
            String probe = value.replace('*', 'x').replace('?', 'x');
            if (!RepositoryNames.isValidRepository(probe)) {
                throw DeployerException.invalid("not a valid repository glob: " + value);
            }
            return new RepositoryPattern(value, project, Globs.toPattern(value));
        }
        if (!RepositoryNames.isValidRepository(value)) {
            throw DeployerException.invalid("not a valid repository name: " + value);
        }
        return new RepositoryPattern(value, project, null);
    }

    public boolean matches(String repository) {
        return pattern == null ? value.equals(repository) : pattern.matcher(repository).matches();
    }

    /** The project of a repository name: its first path segment. */
    public static String projectOf(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }
}
