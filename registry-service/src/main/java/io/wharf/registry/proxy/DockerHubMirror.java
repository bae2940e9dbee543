package io.wharf.registry.proxy;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.oci.Names;

/**
 * The Docker daemon's registry mirror: a daemon whose {@code registry-mirrors} names Wharf asks it for
 * Docker Hub's repositories at the root ({@code /v2/library/nginx/...}, {@code /v2/bitnami/redis/...}).
 * When a proxy project is marked as the Docker Hub mirror, reads of repositories that are no Wharf
 * content go to it: a repository whose project does not exist, and one of {@code library} (which
 * exists: Wharf's own official images) that Wharf does not have. What Wharf has is served as always;
 * the mirror project itself is read under its own name. Which project is the mirror and which
 * {@code library} repositories exist are remembered for {@code wharf.proxy.settings-ttl}.
 */
@ApplicationScoped
public class DockerHubMirror {

    private static final String LIBRARY = "library";
    private static final String MIRROR = "mirror";

    private final Pool pool;
    private final AccessPolicy policy;
    private final Cache<String, Optional<String>> mirror;
    private final Cache<String, Boolean> present;

    public DockerHubMirror(Pool pool, AccessPolicy policy, ProxyConfig config) {
        this.pool = pool;
        this.policy = policy;
        this.mirror = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(config.settingsTtl()).build();
        this.present = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.settingsTtl()).build();
    }

    /** The mirror's repository for a read of {@code repository} (canonical), or null when it is read where it is. */
    public Uni<String> read(String repository) {
        // A mirror project deleted a moment ago (this instance remembers it) is no mirror any more.
        return project().chain(m -> m == null ? Uni.createFrom().<String>nullItem() : policy.project(m).map(p -> p == null ? null : m)).chain(m -> {
            if (m == null) {
                return Uni.createFrom().nullItem();
            }
            String project = Names.project(repository);
            if (project.equals(m)) {
                return Uni.createFrom().nullItem();
            }
            Uni<Boolean> here = project.equals(LIBRARY) ? exists(repository) : policy.project(project).map(p -> p != null);
            return here.map(h -> h ? null : m + "/" + repository);
        });
    }

    /** Forgets which project is the mirror, on this instance (one was created, or marked otherwise). */
    public void changed() {
        mirror.invalidateAll();
    }

    private Uni<String> project() {
        Optional<String> known = mirror.getIfPresent(MIRROR);
        if (known != null) {
            return Uni.createFrom().item(known.orElse(null));
        }
        return pool.query("select p.name from proxy_project pp join project p on p.id = pp.project_id where pp.docker_hub_mirror").execute()
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null)
                .invoke(name -> mirror.put(MIRROR, Optional.ofNullable(name)));
    }

    private Uni<Boolean> exists(String repository) {
        Boolean known = present.getIfPresent(repository);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return pool.preparedQuery("select 1 from repository where name = $1").execute(Tuple.of(repository))
                .map(rows -> rows.iterator().hasNext())
                .invoke(found -> present.put(repository, found));
    }
}
