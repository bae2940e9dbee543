package io.wharf.problem.validation;

import io.wharf.reference.RepositoryNames;

/**
 * The name grammar the request constraints check: {@link #isProjectName} is the only place a request
 * constraint decides what a project name is, and it asks image-reference's {@link RepositoryNames},
 * the one owner of the project-name rule (one repository path component, 2–64 characters).
 */
public final class Names {

    private Names() {
    }

    /** Whether {@code name} can name a project (or an account, whose personal project has its name). */
    public static boolean isProjectName(String name) {
        return RepositoryNames.isValidProject(name);
    }

    /** Whether {@code name} is one repository path component (robot names), of any length. */
    public static boolean isPathComponent(String name) {
        return RepositoryNames.isValidPathComponent(name);
    }
}
