package io.wharf.registry.oci;

import io.wharf.reference.Digest;
import io.wharf.reference.InvalidReferenceException;
import io.wharf.reference.RepositoryNames;
import io.wharf.registry.oci.OciError;

/** Validation of the names and digests that appear in registry URLs, with the spec's error codes. */
public final class Names {

    /** The project that one-component names belong to, as on Docker Hub. */
    public static final String DEFAULT_PROJECT = "library";

    private Names() {
    }

    /**
     * Validates a repository name from a URL and returns its canonical form: a one-component name
     * {@code nginx} is {@code library/nginx}.
     */
    public static String repository(String name) {
        try {
            RepositoryNames.validateRepository(name);
        } catch (InvalidReferenceException e) {
            throw OciError.NAME_INVALID.exception(e.reason());
        }
        return name.indexOf('/') < 0 ? DEFAULT_PROJECT + "/" + name : name;
    }

    /** The project of a canonical repository name: its first component. */
    public static String project(String repository) {
        return repository.substring(0, repository.indexOf('/'));
    }

    public static String digest(String digest) {
        if (digest == null || digest.isEmpty()) {
            throw OciError.DIGEST_INVALID.exception("digest is missing");
        }
        try {
            Digest.parse(digest);
        } catch (InvalidReferenceException e) {
            throw OciError.DIGEST_INVALID.exception(e.reason());
        }
        return digest;
    }

    /**
     * A digest a blob can be stored under: valid, and of an algorithm the blob store keeps
     * ({@code sha256}, {@code sha512}). Anything else is DIGEST_INVALID before a byte is read.
     */
    public static String blobDigest(String digest) {
        digest(digest);
        if (!digest.startsWith("sha256:") && !digest.startsWith("sha512:")) {
            throw OciError.DIGEST_INVALID.exception("unsupported digest algorithm: blobs are stored by sha256 or sha512");
        }
        return digest;
    }

    public static String tag(String tag) {
        try {
            RepositoryNames.validateTag(tag);
        } catch (InvalidReferenceException e) {
            throw OciError.TAG_INVALID.exception(e.reason());
        }
        return tag;
    }

    /** A manifest reference is a digest when it contains ':' (tags never do). */
    public static boolean isDigest(String reference) {
        return reference.indexOf(':') >= 0;
    }
}
