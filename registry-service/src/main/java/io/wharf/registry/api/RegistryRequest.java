package io.wharf.registry.api;

import io.wharf.registry.oci.Names;

/**
 * A parsed {@code /v2/...} path.
 *
 * @param kind       which endpoint
 * @param name       the repository name as written in the URL (null for base and catalog)
 * @param repository the canonical repository ({@code library/} added to one-component names)
 * @param reference  tag or digest (manifests), digest (blobs, referrers), upload id (uploads), else null
 * @param mirrored   true when {@code repository} is the Docker Hub mirror's, read for a name that is no Wharf content
 */
record RegistryRequest(Kind kind, String name, String repository, String reference, boolean mirrored) {

    RegistryRequest(Kind kind, String name, String repository, String reference) {
        this(kind, name, repository, reference, false);
    }

    /** This read, of the Docker Hub mirror's {@code repository} instead. */
    RegistryRequest mirroredTo(String repository) {
        return new RegistryRequest(kind, name, repository, reference, true);
    }

    /** The repository as the client named it (canonical): what its token names. */
    String asked() {
        return mirrored ? Names.repository(name) : repository;
    }

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
