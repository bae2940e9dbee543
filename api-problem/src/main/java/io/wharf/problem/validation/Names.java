package io.wharf.problem.validation;

/**
 * The name grammar the request constraints check. {@link #isProjectName} is the only place a
 * request constraint decides what a project name is; it follows the registry's rule for account
 * and project names (one repository path component, as Docker names namespaces, 2–64 characters).
 */
public final class Names {

    /** One repository path component: lowercase letters and digits, separated by {@code .}, {@code _}, {@code __} or dashes. */
    public static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    /** The longest project (and account) name. */
    public static final int MAX_PROJECT = 64;

    private static final java.util.regex.Pattern COMPONENT_PATTERN = java.util.regex.Pattern.compile(COMPONENT);

    private Names() {
    }

    /** Whether {@code name} can name a project (or an account, whose personal project has its name). */
    public static boolean isProjectName(String name) {
        return name != null && name.length() >= 2 && name.length() <= MAX_PROJECT && COMPONENT_PATTERN.matcher(name).matches();
    }
}
