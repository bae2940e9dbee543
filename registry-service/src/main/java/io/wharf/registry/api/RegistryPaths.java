package io.wharf.registry.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.wharf.registry.api.RegistryRequest.Kind;
import io.wharf.registry.service.Names;

/**
 * Splits a {@code /v2/} path into endpoint, repository name and reference. Repository names contain
 * slashes, so the endpoint is read from the last segments:
 * <pre>
 * /v2/                                   BASE
 * /v2/_catalog                           CATALOG
 * /v2/&lt;name&gt;/tags/list                   TAGS
 * /v2/&lt;name&gt;/manifests/&lt;reference&gt;       MANIFEST
 * /v2/&lt;name&gt;/blobs/uploads[/]             UPLOADS
 * /v2/&lt;name&gt;/blobs/uploads/&lt;id&gt;          UPLOAD
 * /v2/&lt;name&gt;/blobs/&lt;digest&gt;              BLOB
 * /v2/&lt;name&gt;/referrers/&lt;digest&gt;          REFERRERS
 * </pre>
 * Returns null for any other path. The name is validated (NAME_INVALID) when the shape matched.
 */
final class RegistryPaths {

    private RegistryPaths() {
    }

    static RegistryRequest parse(String rawPath) {
        // Some clients percent-encode the ':' of a digest; names and tags contain nothing to decode.
        String path = rawPath.indexOf('%') < 0 ? rawPath
                : URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (path.equals("/v2") || path.equals("/v2/")) {
            return new RegistryRequest(Kind.BASE, null, null, null);
        }
        if (!path.startsWith("/v2/")) {
            return null;
        }
        String rest = path.substring(4);
        if (rest.equals("_catalog")) {
            return new RegistryRequest(Kind.CATALOG, null, null, null);
        }
        String[] s = rest.split("/", -1);
        int n = s.length;
        if (n >= 3 && s[n - 2].equals("tags") && s[n - 1].equals("list")) {
            return of(Kind.TAGS, s, n - 2, null);
        }
        if (n >= 3 && s[n - 2].equals("manifests")) {
            return of(Kind.MANIFEST, s, n - 2, s[n - 1]);
        }
        if (n >= 3 && s[n - 2].equals("referrers")) {
            return of(Kind.REFERRERS, s, n - 2, s[n - 1]);
        }
        if (n >= 4 && s[n - 3].equals("blobs") && s[n - 2].equals("uploads")) {
            return s[n - 1].isEmpty() ? of(Kind.UPLOADS, s, n - 3, null) : of(Kind.UPLOAD, s, n - 3, s[n - 1]);
        }
        if (n >= 3 && s[n - 2].equals("blobs") && s[n - 1].equals("uploads")) {
            return of(Kind.UPLOADS, s, n - 2, null);
        }
        if (n >= 3 && s[n - 2].equals("blobs")) {
            return of(Kind.BLOB, s, n - 2, s[n - 1]);
        }
        return null;
    }

    private static RegistryRequest of(Kind kind, String[] segments, int nameEnd, String reference) {
        String name = String.join("/", Arrays.copyOfRange(segments, 0, nameEnd));
        return new RegistryRequest(kind, name, Names.repository(name), reference);
    }
}
