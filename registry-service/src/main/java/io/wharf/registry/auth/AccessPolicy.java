package io.wharf.registry.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.registry.config.CacheNotices;
import io.wharf.registry.config.CachedStateChanged;

/**
 * Who may do what, from project visibility and membership. Visibility and memberships are cached
 * for {@code wharf.auth.policy-cache-ttl}: a change made here applies here at once, and on the other
 * instances as soon as they hear of it ({@link CacheNotices}, within a second), at the latest after
 * that time.
 * <ul>
 * <li>anonymous: pull from public projects;</li>
 * <li>users: their role's actions in projects they are members of, pull from public projects;
 * system admins everything (a push by an admin to a project that does not exist creates it, private);</li>
 * <li>robots: their permissions in their own project, pull from public projects.</li>
 * </ul>
 */
@ApplicationScoped
public class AccessPolicy {

    private final Identities identities;
    private final CacheNotices notices;
    private final AsyncCache<String, Optional<Identities.Project>> projects;
    private final AsyncCache<Long, Map<String, Role>> roles;

    public AccessPolicy(Identities identities, CacheNotices notices, AuthConfig config) {
        this.identities = identities;
        this.notices = notices;
        this.projects = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.policyCacheTtl()).buildAsync();
        this.roles = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.policyCacheTtl()).buildAsync();
    }

    /** The project, or null when there is none of that name. */
    public Uni<Identities.Project> project(String name) {
        return onCallersContext(() -> projects.get(name, (n, executor) ->
                identities.project(n).map(Optional::ofNullable).subscribeAsCompletionStage()))
                .map(p -> p.orElse(null));
    }

    /** The user's role in each project it is a member of. */
    public Uni<Map<String, Role>> roles(Principal p) {
        if (!p.user()) {
            return Uni.createFrom().item(Map.of());
        }
        return onCallersContext(() -> roles.get(p.accountId(), (id, executor) ->
                identities.roles(id).subscribeAsCompletionStage()));
    }

    /** The user's role in one project, or null. */
    public Uni<Role> role(Principal p, String project) {
        return roles(p).map(r -> r.get(project));
    }

    /** What the principal may do to repositories of {@code project}. */
    public Uni<Set<Action>> actions(Principal p, String project) {
        return project(project).chain(proj -> {
            if (proj == null) {
                // Only an admin can act on a project that does not exist yet (a push creates it).
                return Uni.createFrom().item(p.systemAdmin() ? EnumSet.allOf(Action.class) : EnumSet.noneOf(Action.class));
            }
            Set<Action> base = proj.isPublic() ? EnumSet.of(Action.PULL) : EnumSet.noneOf(Action.class);
            if (p.systemAdmin()) {
                return Uni.createFrom().item(EnumSet.allOf(Action.class));
            }
            if (p.robot()) {
                boolean own = project.equals(p.robotProject()) && (p.expiresAt() == null || Instant.now().isBefore(p.expiresAt()));
                return Uni.createFrom().item(union(base, own ? p.robotActions() : Set.of()));
            }
            if (!p.user()) {
                return Uni.createFrom().item(base);
            }
            return role(p, project).map(role -> union(base, role == null ? Set.of() : role.actions()));
        });
    }

    private static Set<Action> union(Set<Action> a, Set<Action> b) {
        Set<Action> all = EnumSet.noneOf(Action.class);
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    /** Projects whose repositories the principal may pull from (what {@code _catalog} lists). */
    public Uni<ReadableProjects> pullable(Principal p) {
        return visible(p, false);
    }

    /** Projects whose events and members the principal may read (limited guests excluded). */
    public Uni<ReadableProjects> readable(Principal p) {
        return visible(p, true);
    }

    private Uni<ReadableProjects> visible(Principal p, boolean details) {
        if (p.systemAdmin()) {
            return Uni.createFrom().item(ReadableProjects.ALL);
        }
        return identities.publicProjects().chain(publics -> {
            Set<String> names = new HashSet<>(publics);
            if (p.robot()) {
                names.add(p.robotProject());
                return Uni.createFrom().item(ReadableProjects.only(names));
            }
            return roles(p).map(r -> {
                r.forEach((project, role) -> {
                    if (!details || role.readsProject()) {
                        names.add(project);
                    }
                });
                return ReadableProjects.only(names);
            });
        });
    }

    /**
     * A cached value, delivered on the caller's Vert.x context. A load in flight is shared by
     * concurrent requests and completes on the context of the request that started it; what the
     * caller does next (Hibernate Reactive above all) must run on its own context.
     */
    private static <T> Uni<T> onCallersContext(Supplier<CompletionStage<T>> cached) {
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            Uni<T> value = Uni.createFrom().completionStage(cached);
            return caller == null ? value : value.emitOn(task -> {
                if (Vertx.currentContext() == caller) {
                    task.run();
                } else {
                    caller.runOnContext(ignored -> task.run());
                }
            });
        });
    }

    /**
     * Forgets cached visibility and memberships, here and on every other instance: call it once a
     * change to projects or memberships made through this instance has committed. A load in flight
     * is not remembered (its entry is gone), so what it read before the commit is used once at most.
     */
    public void changed() {
        forgetLocally();
        notices.announce(CachedStateChanged.State.ACCESS, null);
    }

    /** Another instance changed projects or memberships, or may have. */
    void changedElsewhere(@Observes CachedStateChanged change) {
        if (change.state() == CachedStateChanged.State.ACCESS) {
            forgetLocally();
        }
    }

    private void forgetLocally() {
        projects.synchronous().invalidateAll();
        roles.synchronous().invalidateAll();
    }

    /** Every project a list response may show this principal (the database filters: no read of every project). */
    public Uni<List<Identities.Project>> listable(Principal p) {
        if (p.systemAdmin()) {
            return identities.projects();
        }
        Uni<Set<String>> members = p.robot() ? Uni.createFrom().item(Set.of(p.robotProject())) : roles(p).map(Map::keySet);
        return members.chain(identities::publicOr);
    }
}
