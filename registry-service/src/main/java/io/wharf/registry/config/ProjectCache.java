package io.wharf.registry.config;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What an instance remembers per project for a while, that changes evict (here at once, on the other
 * instances through {@link CacheNotices}). A value loaded from the database before an eviction is
 * never remembered after it: {@link #put} drops it, so a load racing a change is used once at most.
 *
 * @param <V> what is remembered of a project
 */
public final class ProjectCache<V> {

    private final Cache<String, V> cache;
    /** Counts evictions: a load compares it before and after. */
    private final AtomicLong evictions = new AtomicLong();

    public ProjectCache(Duration ttl) {
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).build();
    }

    /** What is remembered of the project, or null. */
    public V get(String project) {
        return cache.getIfPresent(project);
    }

    /** To read before loading a project's value from the database, and give to {@link #put}. */
    public long beforeLoad() {
        return evictions.get();
    }

    /** Remembers a value loaded after {@link #beforeLoad} answered {@code before}, unless an eviction came since. */
    public void put(String project, V value, long before) {
        cache.put(project, value);
        if (evictions.get() != before) {
            cache.invalidate(project); // read before a change: answer it once, never remember it
        }
    }

    /** Forgets the project's value (null: every project's). */
    public void forget(String project) {
        evictions.incrementAndGet();
        if (project == null) {
            cache.invalidateAll();
        } else {
            cache.invalidate(project);
        }
    }
}
