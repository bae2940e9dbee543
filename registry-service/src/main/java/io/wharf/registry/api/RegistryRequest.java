package io.wharf.registry.api;

/**
 * A parsed {@code /v2/...} path.
 *
 * @param kind       which endpoint
 * @param name       the repository name as written in the URL (null for base and catalog)
 * @param repository the canonical repository ({@code library/} added to one-component names)
 * @param reference  tag or digest (manifests), digest (blobs, referrers), upload id (uploads), else null
 */
record RegistryRequest(Kind kind, String name, String repository, String reference) {

    enum Kind { BASE, CATALOG, TAGS, MANIFEST, BLOB, UPLOADS, UPLOAD, REFERRERS }

    /** The path under {@code /v2/} for this repository, as the client named it. */
    String path(String suffix) {
        return "/v2/" + name + suffix;
    }
}
