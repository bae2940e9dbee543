package io.wharf.registry.auth;

import io.wharf.reference.RepositoryNames;

/**
 * The naming rule of accounts and projects. Creating accounts (each with a personal project of its
 * own name) is {@code io.wharf.registry.identity.AccountService}'s.
 */
public final class Accounts {

    private Accounts() {
    }

    /**
     * Whether a name can be an account's or a project's (an account's personal project has its name):
     * {@link RepositoryNames#isValidProject(String)}, the one project-name rule.
     */
    public static boolean validName(String name) {
        return RepositoryNames.isValidProject(name);
    }
}
