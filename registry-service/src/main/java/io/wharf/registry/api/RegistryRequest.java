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

    enum Kind {
        BASE("/v2/"),
        CATALOG("/v2/_catalog"),
        TAGS("/v2/{name}/tags/list"),
        MANIFEST("/v2/{name}/manifests/{reference}"),
        BLOB("/v2/{name}/blobs/{digest}"),
        UPLOADS("/v2/{name}/blobs/uploads"),
        UPLOAD("/v2/{name}/blobs/uploads/{uuid}"),
        REFERRERS("/v2/{name}/referrers/{digest}");

        /** The endpoint's path template: the {@code uri} label of its HTTP metrics. */
        final String template;

        Kind(String template) {
            this.template = template;
        }
    }

    /** The path under {@code /v2/} for this repository, as the client named it. */
    String path(String suffix) {
        return "/v2/" + name + suffix;
    }
}
