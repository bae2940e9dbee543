package io.wharf.registry.metadata;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Repository rows. */
@ApplicationScoped
public class Repositories implements PanacheRepositoryBase<RepositoryEntity, Long> {

    public Uni<RepositoryEntity> findByName(String name) {
        return find("name", name).firstResult();
    }

    /**
     * The id of repository {@code name}, creating the row when it is missing. Safe under concurrent
     * calls from several requests or instances (insert-or-ignore, then read).
     */
    public Uni<Long> idCreatingIfMissing(String name, String project) {
        return getSession().chain(session -> session
                .createNativeQuery("INSERT INTO repository (name, project) VALUES (:name, :project) ON CONFLICT (name) DO NOTHING")
                .setParameter("name", name)
                .setParameter("project", project)
                .executeUpdate()
                .chain(() -> session.createNativeQuery("SELECT id FROM repository WHERE name = :name", Long.class)
                        .setParameter("name", name)
                        .getSingleResult()));
    }

    /**
     * Marks the repository as holding content; true only for the one transaction that changed it
     * (concurrent callers wait on the row lock and then see it already set).
     */
    public Uni<Boolean> markPopulated(long repositoryId) {
        return getSession().chain(session -> session
                .createNativeQuery("UPDATE repository SET populated = true WHERE id = :id AND NOT populated")
                .setParameter("id", repositoryId)
                .executeUpdate()
                .map(n -> n > 0));
    }

    /** Repository names after {@code last} (exclusive; null for the start), in order, at most {@code limit}. */
    public Uni<List<String>> namesAfter(String last, int limit) {
        return getSession().chain(session -> session
                .createSelectionQuery("select r.name from RepositoryEntity r where r.name > :last order by r.name", String.class)
                .setParameter("last", last == null ? "" : last)
                .setMaxResults(limit)
                .getResultList());
    }

    /** Like {@link #namesAfter} but only repositories of the given projects. */
    public Uni<List<String>> namesAfter(String last, int limit, java.util.Set<String> projects) {
        if (projects.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session
                .createSelectionQuery("select r.name from RepositoryEntity r where r.name > :last"
                        + " and substring(r.name, 1, locate('/', r.name) - 1) in (:projects) order by r.name", String.class)
                .setParameter("last", last == null ? "" : last)
                .setParameter("projects", projects)
                .setMaxResults(limit)
                .getResultList());
    }
}
