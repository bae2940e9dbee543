package io.wharf.registry.service;

import io.wharf.registry.metadata.ManifestEntity;

/** The bytes of a manifest and what a GET or HEAD answers with. Immutable, safe to cache. */
public record StoredManifest(String digest, String mediaType, int size, byte[] content) {

    static StoredManifest of(ManifestEntity m) {
        return new StoredManifest(m.digest, m.mediaType, m.size, m.content);
    }
}
