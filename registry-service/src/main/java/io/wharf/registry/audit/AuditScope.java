package io.wharf.registry.audit;

import java.util.Set;

/**
 * Which entries a caller may read: all of them (system administrators), or those of the projects it
 * administers (never entries outside any project).
 *
 * @param all      every entry
 * @param projects the projects whose entries may be read when not {@code all}
 */
public record AuditScope(boolean all, Set<String> projects) {

    public static final AuditScope ALL = new AuditScope(true, Set.of());

    public AuditScope {
        projects = Set.copyOf(projects);
    }

    public static AuditScope projects(Set<String> projects) {
        return new AuditScope(false, projects);
    }

    /** True when the caller may read entries of this project. */
    public boolean covers(String project) {
        return all || (project != null && projects.contains(project));
    }
}
