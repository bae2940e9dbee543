package io.wharf.registry.config;

/**
 * State that registry instances cache changed in the database, so the caches holding it must forget
 * it: fired by {@link CacheNotices} on this instance when another instance announced a change, or when
 * this instance's listener (re)connected and may have missed announcements. Observers evict
 * synchronously and cheaply (they run on the listener's event loop).
 *
 * @param state which cached state changed
 * @param key   what changed: a project (access, immutability, quota) or {@code repository@digest}
 *              (manifest); null for everything
 */
public record CachedStateChanged(State state, String key) {

    /** The kinds of cached state a change is announced for. */
    public enum State {
        /** Project visibility, existence and memberships ({@code AccessPolicy}). */
        ACCESS,
        /** Tag immutability rules ({@code TagImmutability}). */
        IMMUTABILITY,
        /** Project quotas ({@code QuotaGuard}). */
        QUOTA,
        /** A manifest was deleted ({@code MetadataCache}; tags, which move, live only {@code wharf.registry.cache.tag-ttl}). */
        MANIFEST
    }
}
