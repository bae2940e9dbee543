package io.wharf.reference;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The reference grammar of the docker CLI / OCI distribution spec, and the error texts.
 * Package-private: the public classes expose the behaviour.
 *
 * <pre>
 * reference      := name [ ":" tag ] [ "@" digest ]
 * name           := [ host [ ":" port ] "/" ] path
 * host           := label ( "." label )* | "[" ipv6 "]"      label := [a-zA-Z0-9]+ ( -+ [a-zA-Z0-9]+ )*
 * path           := component ( "/" component )*              at most 255 characters
 * component      := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 * project        := component                                 2 to 64 characters (Wharf's rule, not docker's)
 * tag            := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 * digest         := algorithm ":" encoded                     see {@link Digest}
 * </pre>
 */
final class Grammar {

    static final String DOCKER_HUB = "docker.io";
    static final String LEGACY_DOCKER_HUB = "index.docker.io";
    static final String LIBRARY_PREFIX = "library/";
    static final String LOCALHOST = "localhost";
    static final String DEFAULT_TAG = "latest";
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_TAG_LENGTH = 128;
    static final int MIN_PROJECT_LENGTH = 2;
    static final int MAX_PROJECT_LENGTH = 64;

    // Possessive quantifiers keep matching linear: what follows a run never starts with the run's characters.
    private static final String ALNUM = "[a-z0-9]++";
    private static final String SEPARATOR = "(?:[._]|__|-++)";
    private static final String HOST_LABEL = "[a-zA-Z0-9]++(?:-++[a-zA-Z0-9]++)*";

    static final Pattern PATH_COMPONENT = Pattern.compile(ALNUM + "(?:" + SEPARATOR + ALNUM + ")*");
    static final Pattern HOST = Pattern.compile(
            "(?:" + HOST_LABEL + "(?:\\." + HOST_LABEL + ")*|\\[[a-fA-F0-9:]++\\])(?::[0-9]++)?");
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** The digest shape accepted inside a reference (docker's reference grammar, at least 128 bits of hex). */
    static final Pattern REFERENCE_DIGEST = Pattern.compile(
            "[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*:[0-9a-fA-F]{32,}");
    /** The digest shape of the OCI image spec; an unknown algorithm in this shape is "unsupported". */
    static final Pattern OCI_DIGEST = Pattern.compile("[a-z0-9]++(?:[.+_-][a-z0-9]++)*:[a-zA-Z0-9=_-]++");
    static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]*+");
    /** A bare image ID, refused as a repository name. */
    static final Pattern HEX_IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

    // Messages printed by the docker CLI (github.com/distribution/reference, opencontainers/go-digest).
    static final String INVALID_FORMAT = "invalid reference format";
    static final String NAME_LOWERCASE = "repository name must be lowercase";
    static final String NAME_EMPTY = "repository name must have at least one component";
    static final String NAME_TOO_LONG = "repository name must not be more than " + MAX_NAME_LENGTH + " characters";
    static final String NAME_NOT_CANONICAL = "repository name must be canonical";
    static final String TAG_INVALID = "invalid tag format";
    static final String DIGEST_INVALID = "invalid digest format";
    static final String CHECKSUM_FORMAT = "invalid checksum digest format";
    static final String CHECKSUM_LENGTH = "invalid checksum digest length";
    static final String DIGEST_UNSUPPORTED = "unsupported digest algorithm";

    static final String PROJECT_INVALID = "project name must be " + MIN_PROJECT_LENGTH + "-" + MAX_PROJECT_LENGTH
            + " characters of lowercase letters and digits, separated by '.', '_', '__' or '-'";

    // Wharf's more specific reasons for inputs docker only calls "invalid reference format".
    static final String NAME_EMPTY_COMPONENT =
            "repository name must not contain empty components (leading, trailing or repeated '/')";
    static final String TAG_EMPTY = TAG_INVALID + ": tag must not be empty";
    static final String TAG_TOO_LONG = TAG_INVALID + ": tag must not be more than " + MAX_TAG_LENGTH + " characters";
    static final String TAG_CHARACTERS = TAG_INVALID
            + ": tag must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'";

    private Grammar() {
    }

    static String lowercaseMessage(String remote) {
        return INVALID_FORMAT + ": repository name (" + remote + ") must be lowercase";
    }

    static String hexIdentifierMessage(String input) {
        return "invalid repository name (" + input + "), cannot specify 64-byte hexadecimal strings";
    }

    static String badComponent(String component) {
        return "repository name component (" + component
                + ") must be lowercase letters and digits, separated by '.', '_', '__' or '-'";
    }

    static String badHost(String host) {
        return "invalid registry host (" + host + ")";
    }

    static boolean isLowerCase(String s) {
        return s.equals(s.toLowerCase(Locale.ROOT));
    }

    static boolean isValidHost(String host) {
        return HOST.matcher(host).matches();
    }

    static boolean isDockerHub(String registry) {
        return DOCKER_HUB.equalsIgnoreCase(registry) || LEGACY_DOCKER_HUB.equalsIgnoreCase(registry);
    }

    /** The first problem of a repository path (without registry), or null when it is valid apart from length. */
    static String pathProblem(String path) {
        if (path.isEmpty()) {
            return NAME_EMPTY;
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                return NAME_EMPTY_COMPONENT;
            }
            if (!isPathComponent(component)) {
                return badComponent(component);
            }
        }
        return null;
    }

    static boolean isPathComponent(String s) {
        return PATH_COMPONENT.matcher(s).matches();
    }

    static boolean isProject(String s) {
        return s.length() >= MIN_PROJECT_LENGTH && s.length() <= MAX_PROJECT_LENGTH && isPathComponent(s);
    }

    /** The problem of a tag, or null when it is valid. */
    static String tagProblem(String tag) {
        if (tag.isEmpty()) {
            return TAG_EMPTY;
        }
        if (tag.length() > MAX_TAG_LENGTH) {
            return TAG_TOO_LONG;
        }
        return TAG.matcher(tag).matches() ? null : TAG_CHARACTERS;
    }

    /** Short form of {@code registry/path}: the default registry and (if it applies it) {@code library/} dropped. */
    static String shortName(String registry, String path, String defaultRegistry, boolean library) {
        if (!registry.equalsIgnoreCase(defaultRegistry)) {
            return registry + "/" + path;
        }
        if (library && path.startsWith(LIBRARY_PREFIX) && path.indexOf('/', LIBRARY_PREFIX.length()) < 0) {
            String official = path.substring(LIBRARY_PREFIX.length());
            // A bare 64-hex name would be refused as an image ID: keep "library/".
            return HEX_IDENTIFIER.matcher(official).matches() ? path : official;
        }
        int slash = path.indexOf('/');
        if (slash < 0) {
            // With the library default, "x" would read back as "library/x": keep the registry.
            return library ? registry + "/" + path : path;
        }
        String first = path.substring(0, slash);
        if (first.equals(LOCALHOST) || first.indexOf('.') >= 0) {
            // Would read back as a registry host ("docker.io/foo.bar/x" is not "foo.bar/x").
            return registry + "/" + path;
        }
        return path;
    }
}
