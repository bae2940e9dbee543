package io.wharf.registry.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.wharf.registry.api.RegistryRequest.Kind;
import io.wharf.registry.oci.Names;

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
        if (rawPath.equals("/v2") || rawPath.equals("/v2/")) {
            return new RegistryRequest(Kind.BASE, null, null, null);
        }
        if (!rawPath.startsWith("/v2/")) {
            return null;
        }
        String rest = rawPath.substring(4);
        if (rest.equals("_catalog")) {
            return new RegistryRequest(Kind.CATALOG, null, null, null);
        }
        // Split before decoding, so an encoded '/' stays inside its segment.
        String[] s = rest.split("/", -1);
        for (int i = 0; i < s.length; i++) {
            s[i] = decode(s[i]);
        }
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

    /**
     * Some clients percent-encode the ':' of a digest. A segment with a malformed escape is kept
     * as written: it then fails the grammar of what it is (name, tag, digest) with that error.
     */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }

    private static RegistryRequest of(Kind kind, String[] segments, int nameEnd, String reference) {
        String name = String.join("/", Arrays.copyOfRange(segments, 0, nameEnd));
        return new RegistryRequest(kind, name, Names.repository(name), reference);
    }
}
