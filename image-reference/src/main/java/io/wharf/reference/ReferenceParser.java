package io.wharf.reference;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parses image references the way the docker CLI does ({@code reference.ParseNormalizedNamed} of
 * github.com/distribution/reference), with a configurable default registry.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>A reference that is exactly 64 lower-case hex characters is refused (it looks like an image ID).</li>
 *   <li>The text up to the first {@code /} is a registry host only if it contains {@code .} or {@code :},
 *       is {@code localhost}, or contains upper-case letters (as in docker). Otherwise, and when there is no
 *       {@code /} at all, the registry is the default registry and the whole text is the path.
 *       So {@code localhost:5000} alone is image {@code library/localhost} tagged {@code 5000}, as in docker.</li>
 *   <li>{@code index.docker.io} (any case) becomes {@code docker.io}.</li>
 *   <li>If the registry applies the library default (always {@code docker.io}; see the constructor) and the
 *       path has one component, {@code library/} is put in front: {@code nginx} is {@code library/nginx}.</li>
 *   <li>The path must be lower case, every component must follow the OCI grammar, the path may have at most
 *       255 characters (counted after {@code library/} was added), the tag follows
 *       {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}, the digest follows {@link Digest}.</li>
 * </ol>
 * The tag is not defaulted here: see {@link ImageReference#tagOrDefault()}.
 *
 * <p>Errors ({@link InvalidReferenceException#getMessage()} is docker's text, {@link
 * InvalidReferenceException#reason()} the specific cause):
 * <ul>
 *   <li>{@code invalid reference format: repository name (library/Nginx) must be lowercase}
 *       (reason {@code repository name must be lowercase});</li>
 *   <li>{@code invalid repository name (<hex>), cannot specify 64-byte hexadecimal strings};</li>
 *   <li>{@code repository name must not be more than 255 characters};</li>
 *   <li>{@code invalid checksum digest length}, {@code invalid checksum digest format},
 *       {@code unsupported digest algorithm} for a digest of docker's shape that go-digest refuses;</li>
 *   <li>{@code invalid reference format} for everything else, with the reason naming the part: e.g.
 *       {@code invalid tag format: tag must not be empty} for {@code nginx:},
 *       {@code invalid checksum digest length} for {@code nginx@sha256:abc},
 *       {@code repository name must have at least one component} for {@code :latest}.</li>
 * </ul>
 * One deliberate difference from docker: a first component with a {@code .} that is not a valid host name
 * ({@code a_b.c/foo}) is refused ({@code invalid registry host (a_b.c)}) where docker returns a
 * reference without registry.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReferenceParser {

    private static final ReferenceParser DOCKER_HUB =
            new ReferenceParser(Grammar.DOCKER_HUB, Set.of(Grammar.DOCKER_HUB));

    private final String defaultRegistry;
    private final Set<String> libraryRegistries;

    /**
     * @param defaultRegistry   registry of references written without one ({@code docker.io} for Docker Hub
     *                          semantics); {@code index.docker.io} is taken as {@code docker.io}
     * @param libraryRegistries registries where a one-component path {@code x} means {@code library/x}
     *                          (compared ignoring case). {@code docker.io} always does, whether listed or not;
     *                          Wharf lists its own host names here.
     * @throws InvalidReferenceException if a registry is not a valid {@code host[:port]}
     */
    public ReferenceParser(String defaultRegistry, Collection<String> libraryRegistries) {
        Objects.requireNonNull(defaultRegistry, "defaultRegistry");
        Objects.requireNonNull(libraryRegistries, "libraryRegistries");
        requireHost(defaultRegistry);
        libraryRegistries.forEach(ReferenceParser::requireHost);
        this.defaultRegistry = Grammar.isDockerHub(defaultRegistry) ? Grammar.DOCKER_HUB : defaultRegistry;
        this.libraryRegistries = libraryRegistries.stream()
                .map(r -> r.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Docker Hub semantics: default registry {@code docker.io}, {@code library/} default on Docker Hub only. */
    public static ReferenceParser dockerHub() {
        return DOCKER_HUB;
    }

    /** The registry used for references written without one. */
    public String defaultRegistry() {
        return defaultRegistry;
    }

    /** True if a one-component path on {@code registry} gets the {@code library/} project. */
    public boolean appliesLibraryDefault(String registry) {
        return Grammar.isDockerHub(registry) || libraryRegistries.contains(registry.toLowerCase(Locale.ROOT));
    }

    /**
     * Parses and normalizes a reference as described in the class comment.
     *
     * @throws InvalidReferenceException if the reference is invalid
     * @throws NullPointerException      if {@code reference} is null
     */
    public ImageReference parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (Grammar.HEX_IDENTIFIER.matcher(reference).matches()) {
            throw new InvalidReferenceException(Grammar.hexIdentifierMessage(reference),
                    InvalidReferenceException.Code.NAME_INVALID);
        }
        Split split = split(reference);
        int colon = split.remainder().indexOf(':');
        String remote = colon < 0 ? split.remainder() : split.remainder().substring(0, colon);
        if (!Grammar.isLowerCase(remote)) {
            throw new InvalidReferenceException(Grammar.lowercaseMessage(remote), Grammar.NAME_LOWERCASE,
                    InvalidReferenceException.Code.NAME_INVALID);
        }
        Parts parts = analyze(split);
        if (parts.problem() != null) {
            Split lower = new Split(split.registry().toLowerCase(Locale.ROOT),
                    split.remainder().toLowerCase(Locale.ROOT), split.library());
            if (!lower.equals(split) && analyze(lower).problem == null) {
                throw new InvalidReferenceException(Grammar.NAME_LOWERCASE, InvalidReferenceException.Code.NAME_INVALID);
            }
            throw new InvalidReferenceException(Grammar.INVALID_FORMAT, parts.problem(), parts.code());
        }
        if (parts.path().length() > Grammar.MAX_NAME_LENGTH) {
            throw new InvalidReferenceException(Grammar.NAME_TOO_LONG, InvalidReferenceException.Code.NAME_INVALID);
        }
        Digest digest = parts.digest() == null ? null : Digest.parse(parts.digest());
        return new ImageReference(split.registry(), parts.path(), parts.tag(), digest);
    }

    /**
     * Parses a reference that must already be written in full, as {@link ImageReference#registry()}
     * {@code /}{@link ImageReference#repository()}{@code [:tag][@digest]}: no default may be needed
     * ({@code docker.io/library/nginx} and {@code example.com/foo:1} pass; {@code nginx},
     * {@code docker.io/nginx} and {@code index.docker.io/library/nginx} do not). Like docker's {@code ParseNamed}.
     *
     * @throws InvalidReferenceException {@code repository name must be canonical}, or any error of {@link #parse}
     */
    public ImageReference parseCanonical(String reference) {
        ImageReference parsed = parse(reference);
        if (!parsed.withSuffix(parsed.fullName()).equals(reference)) {
            throw new InvalidReferenceException(Grammar.NAME_NOT_CANONICAL, InvalidReferenceException.Code.NAME_INVALID);
        }
        return parsed;
    }

    /**
     * The shortest form that this parser reads back as {@code reference}: the default registry and, where
     * this parser applies it, {@code library/} are dropped; tag and digest are kept as written.
     * For {@link #dockerHub()} this equals {@link ImageReference#familiar()}.
     */
    public String familiar(ImageReference reference) {
        Objects.requireNonNull(reference, "reference");
        String name = Grammar.shortName(reference.registry(), reference.repository(), defaultRegistry,
                appliesLibraryDefault(defaultRegistry));
        return reference.withSuffix(name);
    }

    /** Docker's domain split: registry, the rest of the text, and whether {@code library/} was added. */
    private Split split(String reference) {
        int slash = reference.indexOf('/');
        String registry;
        String remainder;
        if (slash < 0) {
            registry = defaultRegistry;
            remainder = reference;
        } else {
            String first = reference.substring(0, slash);
            if (first.equals(Grammar.LOCALHOST) || first.indexOf('.') >= 0 || first.indexOf(':') >= 0
                    || !Grammar.isLowerCase(first)) {
                registry = Grammar.isDockerHub(first) ? Grammar.DOCKER_HUB : first;
                remainder = reference.substring(slash + 1);
            } else {
                registry = defaultRegistry;
                remainder = reference;
            }
        }
        boolean library = appliesLibraryDefault(registry) && remainder.indexOf('/') < 0;
        return new Split(registry, library ? Grammar.LIBRARY_PREFIX + remainder : remainder, library);
    }

    /** Checks registry, path, tag and digest shape; reports the first problem from left to right. */
    private static Parts analyze(Split split) {
        String rest = split.remainder();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String written = split.library() ? rest.substring(Grammar.LIBRARY_PREFIX.length()) : rest;
        if (written.isEmpty()) {
            return Parts.problem(Grammar.NAME_EMPTY, InvalidReferenceException.Code.NAME_INVALID);
        }
        if (!Grammar.isValidHost(split.registry())) {
            return Parts.problem(Grammar.badHost(split.registry()), InvalidReferenceException.Code.NAME_INVALID);
        }
        String problem = Grammar.pathProblem(rest);
        if (problem != null) {
            return Parts.problem(problem, InvalidReferenceException.Code.NAME_INVALID);
        }
        if (tag != null && (problem = Grammar.tagProblem(tag)) != null) {
            return Parts.problem(problem, InvalidReferenceException.Code.TAG_INVALID);
        }
        if (digest != null && !Grammar.REFERENCE_DIGEST.matcher(digest).matches()) {
            String verdict = Digest.problem(digest);
            return Parts.problem(verdict != null ? verdict : Grammar.DIGEST_INVALID,
                    InvalidReferenceException.Code.DIGEST_INVALID);
        }
        return new Parts(rest, tag, digest, null, null);
    }

    private static void requireHost(String registry) {
        if (!Grammar.isValidHost(registry)) {
            throw new InvalidReferenceException(Grammar.badHost(registry), InvalidReferenceException.Code.NAME_INVALID);
        }
    }

    private record Split(String registry, String remainder, boolean library) {
    }

    private record Parts(String path, String tag, String digest, String problem, InvalidReferenceException.Code code) {
        static Parts problem(String problem, InvalidReferenceException.Code code) {
            return new Parts(null, null, null, problem, code);
        }
    }
}
