package io.wharf.registry.auth;

import java.util.regex.Pattern;

/**
 * The naming rule of accounts and projects. Creating accounts (each with a personal project of its
 * own name) is {@code io.wharf.registry.identity.AccountService}'s.
 */
public final class Accounts {

    /** Account and project names: one repository path component, as Docker names namespaces. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

    private Accounts() {
    }

    /** Whether a name can be an account's or a project's: 2-64 characters of {@link #NAME}. */
    public static boolean validName(String name) {
        return name != null && name.length() >= 2 && name.length() <= 64 && NAME.matcher(name).matches();
    }
}
