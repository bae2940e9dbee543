package io.wharf.reference;

import java.util.Objects;
import java.util.Optional;

/**
 * A normalized image reference: {@code registry/repository[:tag][@digest]}.
 *
 * <p>Obtained from {@link ReferenceParser#parse(String)} (or {@link #parse(String)} for Docker Hub defaults),
 * so the registry is always present and the defaults are applied: {@code nginx} is registry {@code docker.io},
 * repository {@code library/nginx}, no tag. The tag is kept as written: {@link #tag()} is empty when none
 * was given, {@link #tagOrDefault()} and {@link #canonical()} supply {@code latest}.
 *
 * <p>Immutable. {@code equals} compares registry (as written, except that Docker Hub is always
 * {@code docker.io}), repository, tag and digest; so {@code nginx} and {@code nginx:latest} are different
 * values with the same {@link #canonical()} form. {@link #toString()} is {@link #canonical()}.
 */
public final class ImageReference {

    /** The tag docker pulls when a reference has neither tag nor digest. */
    public static final String DEFAULT_TAG = Grammar.DEFAULT_TAG;

    private final String registry;
    private final String repository;
    private final String tag;
    private final Digest digest;

    ImageReference(String registry, String repository, String tag, Digest digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses with Docker Hub defaults; same as {@code ReferenceParser.dockerHub().parse(reference)}.
     *
     * @throws InvalidReferenceException see {@link ReferenceParser#parse(String)}
     */
    public static ImageReference parse(String reference) {
        return ReferenceParser.dockerHub().parse(reference);
    }

    /**
     * Builds a reference from its parts exactly as given: no {@code library/} or other default is applied.
     *
     * @param registry   host with optional port, e.g. {@code wharf.example.com:5000}
     * @param repository path, e.g. {@code team/app}, validated by {@link RepositoryNames#validateRepository}
     * @throws InvalidReferenceException if either part is invalid
     */
    public static ImageReference of(String registry, String repository) {
        requireHost(registry);
        RepositoryNames.validateRepository(repository);
        return new ImageReference(Grammar.isDockerHub(registry) ? Grammar.DOCKER_HUB : registry, repository, null, null);
    }

    /** The registry host, with port if one was given, e.g. {@code docker.io}, {@code localhost:5000}. */
    public String registry() {
        return registry;
    }

    /** The path inside the registry, without registry, tag or digest, e.g. {@code library/nginx}. */
    public String repository() {
        return repository;
    }

    /**
     * The first path component, e.g. {@code myproject} for {@code myproject/mynginx}; the empty string when
     * the path has a single component (possible only on registries without the {@code library/} default,
     * e.g. {@code localhost:5000/foo}).
     */
    public String project() {
        int slash = repository.indexOf('/');
        return slash < 0 ? "" : repository.substring(0, slash);
    }

    /**
     * The path after the project, e.g. {@code mynginx}; may contain {@code /} for deeper paths
     * ({@code a/b/c} has project {@code a}, name {@code b/c}). For a single-component path, the whole path.
     */
    public String name() {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(slash + 1);
    }

    /** The tag as written, empty if none was given. */
    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    /** The digest, empty if none was given. */
    public Optional<Digest> digest() {
        return Optional.ofNullable(digest);
    }

    /**
     * The tag, or {@code latest} when none was given. For a digest-only reference the digest, not this tag,
     * identifies the image.
     */
    public String tagOrDefault() {
        return tag != null ? tag : DEFAULT_TAG;
    }

    /** {@code registry/repository}, e.g. {@code docker.io/library/nginx}. */
    public String fullName() {
        return registry + "/" + repository;
    }

    /**
     * The fully qualified form: {@code docker.io/library/nginx:latest}; with a digest and no tag
     * {@code docker.io/library/nginx@sha256:...}; with both {@code docker.io/library/nginx:1.25@sha256:...}.
     * The default tag is added only when there is neither tag nor digest.
     */
    public String canonical() {
        StringBuilder sb = new StringBuilder(fullName());
        if (tag != null || digest == null) {
            sb.append(':').append(tagOrDefault());
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    /**
     * The short form the docker CLI shows and accepts: {@code docker.io/} and, for one-component official
     * images, {@code library/} are dropped; the tag appears only if one was written; the digest is kept.
     * {@code docker.io/library/nginx} gives {@code nginx}, {@code docker.io/foo/bar:1} gives {@code foo/bar:1},
     * {@code localhost:5000/foo} stays {@code localhost:5000/foo}. Other registries keep their host, so the
     * result is what to put after {@code docker pull}. (Unlike docker, the short form always reads back as the same
     * reference: {@code docker.io/foo.bar/x} keeps {@code docker.io/}, since {@code foo.bar} would read as a host,
     * and {@code docker.io/library/<64 hex>} keeps {@code library/}, since a bare 64-hex name is refused.)
     */
    public String familiar() {
        return withSuffix(Grammar.shortName(registry, repository, Grammar.DOCKER_HUB, true));
    }

    /**
     * This reference with {@code tag} (a digest is kept).
     *
     * @throws InvalidReferenceException message {@code invalid tag format}, reason as {@link RepositoryNames#validateTag}
     */
    public ImageReference withTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        String problem = Grammar.tagProblem(tag);
        if (problem != null) {
            throw new InvalidReferenceException(Grammar.TAG_INVALID, problem, InvalidReferenceException.Code.TAG_INVALID);
        }
        return new ImageReference(registry, repository, tag, digest);
    }

    /** This reference with {@code digest} (a tag is kept). */
    public ImageReference withDigest(Digest digest) {
        return new ImageReference(registry, repository, tag, Objects.requireNonNull(digest, "digest"));
    }

    /**
     * This reference with the digest parsed from {@code digest}.
     *
     * @throws InvalidReferenceException message {@code invalid digest format}, reason from {@link Digest#parse}
     */
    public ImageReference withDigest(String digest) {
        Objects.requireNonNull(digest, "digest");
        String problem = Digest.problem(digest);
        if (problem != null) {
            throw new InvalidReferenceException(Grammar.DIGEST_INVALID, problem, InvalidReferenceException.Code.DIGEST_INVALID);
        }
        return withDigest(Digest.parse(digest));
    }

    /** This reference without tag and digest: {@code registry/repository} only. */
    public ImageReference withoutTagOrDigest() {
        return new ImageReference(registry, repository, null, null);
    }

    /**
     * This reference on another registry host, path unchanged.
     *
     * @throws InvalidReferenceException {@code invalid registry host (x)}
     */
    public ImageReference withRegistry(String registry) {
        requireHost(registry);
        return new ImageReference(Grammar.isDockerHub(registry) ? Grammar.DOCKER_HUB : registry, repository, tag, digest);
    }

    String withSuffix(String name) {
        StringBuilder sb = new StringBuilder(name);
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    private static void requireHost(String registry) {
        Objects.requireNonNull(registry, "registry");
        if (!Grammar.isValidHost(registry)) {
            throw new InvalidReferenceException(Grammar.badHost(registry), InvalidReferenceException.Code.NAME_INVALID);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ImageReference)) {
            return false;
        }
        ImageReference other = (ImageReference) o;
        return registry.equals(other.registry) && repository.equals(other.repository)
                && Objects.equals(tag, other.tag) && Objects.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }

    /** Same as {@link #canonical()}. */
    @Override
    public String toString() {
        return canonical();
    }
}
