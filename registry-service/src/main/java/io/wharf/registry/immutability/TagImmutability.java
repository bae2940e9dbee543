package io.wharf.registry.immutability;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.config.CacheNotices;
import io.wharf.registry.config.CachedStateChanged;
import io.wharf.registry.config.ProjectCache;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;

/**
 * Enforces the tag immutability rules in the registry: a push that would move a protected tag to
 * another digest, and a delete that would remove one, are refused with {@code DENIED} (403) and a
 * message naming the rule, which docker and podman print. Pushing the digest a protected tag already
 * has, and creating a tag, are allowed: immutable means that a tag, once set, never changes.
 *
 * <p>The enabled rules of each project are held in memory: a project without rules costs a map lookup per
 * push or delete, and a push that moves no tag costs nothing more. This instance forgets a project's rules
 * the moment they change here ({@link #changed}); the other instances as soon as they hear of it
 * ({@link CacheNotices}, within a second), at the latest after {@code wharf.immutability.cache-ttl}.
 */
@ApplicationScoped
public class TagImmutability {

    private final ImmutabilityRules store;
    private final CacheNotices notices;
    private final ProjectCache<ProjectRules> cache;

    public TagImmutability(ImmutabilityRules store, CacheNotices notices, ImmutabilityConfig config) {
        this.store = store;
        this.notices = notices;
        this.cache = new ProjectCache<>(config.cacheTtl());
    }

    /** The enabled rules of the project, from memory when this instance has them. */
    public Uni<ProjectRules> rules(String project) {
        ProjectRules cached = cache.get(project);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        long before = cache.beforeLoad();
        return store.of(project, true).map(rules -> {
            ProjectRules loaded = rules.isEmpty() ? ProjectRules.NONE : new ProjectRules(rules);
            cache.put(project, loaded, before);
            return loaded;
        });
    }

    /** The first key of {@link #lockIfProtected}'s advisory locks ("IMMU"): their own key space. */
    private static final int LOCK_SPACE = 0x494D4D55;

    /**
     * In the current transaction, before a push points {@code tag} at its manifest: when a rule protects
     * the tag, waits for any other transaction pushing the same tag to end. Without it, two first pushes
     * of a new protected tag could both find no tag and the later one would move it; with it, the later
     * one finds the tag the earlier one set, and is refused. Pushes of unprotected tags take no lock.
     */
    public Uni<Void> lockIfProtected(ProjectRules rules, long repositoryId, String repository, String tag) {
        if (rules.protecting(repository, tag) == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select 1 from (select pg_advisory_xact_lock(:space, hashtext(:key))) l", Integer.class)
                .setParameter("space", LOCK_SPACE)
                .setParameter("key", repositoryId + "/" + tag)
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * Forgets the project's rules, here and on every other instance, so the next push reads them
     * again: call it once a change to them has committed.
     */
    void changed(String project) {
        cache.forget(project);
        notices.announce(CachedStateChanged.State.IMMUTABILITY, project);
    }

    /** Another instance changed rules, or may have. */
    void changedElsewhere(@Observes CachedStateChanged change) {
        if (change.state() == CachedStateChanged.State.IMMUTABILITY) {
            cache.forget(change.key());
        }
    }

    /** The enabled rules of one project. Immutable and thread-safe. */
    public static final class ProjectRules {

        /** No rule: nothing is protected (also what a break-glass delete checks against). */
        public static final ProjectRules NONE = new ProjectRules(List.of());

        private final List<ImmutabilityRule> rules;

        private ProjectRules(List<ImmutabilityRule> rules) {
            this.rules = List.copyOf(rules);
        }

        /** The first rule (by id) that protects the tag, or null. */
        public ImmutabilityRule protecting(String repository, String tag) {
            for (ImmutabilityRule rule : rules) {
                if (rule.protects(repository, tag)) {
                    return rule;
                }
            }
            return null;
        }

        /**
         * Refuses moving {@code tag} from {@code previousDigest} (null: the tag is new) to {@code digest}
         * when a rule protects it.
         */
        public void checkMove(String repository, String tag, String previousDigest, String digest) {
            if (previousDigest == null || previousDigest.equals(digest) || rules.isEmpty()) {
                return;
            }
            ImmutabilityRule rule = protecting(repository, tag);
            if (rule != null) {
                throw refusal(repository, tag, rule);
            }
        }

        /** Refuses removing the tags when a rule protects one of them. */
        public void checkRemoval(String repository, Collection<String> tags) {
            if (rules.isEmpty()) {
                return;
            }
            for (String tag : tags) {
                ImmutabilityRule rule = protecting(repository, tag);
                if (rule != null) {
                    throw refusal(repository, tag, rule);
                }
            }
        }

        private static RegistryException refusal(String repository, String tag, ImmutabilityRule rule) {
            String message = "tag " + repository + ":" + tag + " is immutable (" + rule.name() + ")";
            return RegistryException.saying(OciError.DENIED, message);
        }
    }
}
