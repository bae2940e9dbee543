package io.wharf.registry.auth;

import java.util.Set;

/**
 * The projects a caller may read events of: all of them, or exactly {@code projects}.
 *
 * @param all      true when no project is hidden
 * @param projects the readable projects when {@code all} is false (may be empty)
 */
public record ReadableProjects(boolean all, Set<String> projects) {

    public static final ReadableProjects ALL = new ReadableProjects(true, Set.of());

    public ReadableProjects {
        projects = Set.copyOf(projects);
    }

    public static ReadableProjects only(Set<String> projects) {
        return new ReadableProjects(false, projects);
    }

    public boolean allows(String project) {
        return all || project != null && projects.contains(project);
    }

    /** True when nothing at all is readable. */
    public boolean none() {
        return !all && projects.isEmpty();
    }
}
