package io.wharf.registry.service;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.metadata.BlobLinks;
import io.wharf.registry.metadata.ManifestEntity;
import io.wharf.registry.metadata.ManifestReferenceEntity;
import io.wharf.registry.metadata.Manifests;
import io.wharf.registry.metadata.Repositories;
import io.wharf.registry.metadata.RepositoryEntity;
import io.wharf.registry.metadata.Tags;
import io.wharf.registry.oci.ManifestParser;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.ParsedManifest;

/**
 * Manifests and tags of repositories. A PUT is validated completely before anything is written,
 * and written in one transaction: a refused push changes nothing.
 */
@ApplicationScoped
public class ManifestService {

    private final Repositories repositories;
    private final Manifests manifests;
    private final Tags tags;
    private final BlobLinks blobLinks;

    public ManifestService(Repositories repositories, Manifests manifests, Tags tags, BlobLinks blobLinks) {
        this.repositories = repositories;
        this.manifests = manifests;
        this.tags = tags;
        this.blobLinks = blobLinks;
    }

    /** The manifest a tag or digest names; fails with MANIFEST_UNKNOWN. */
    @WithSession
    public Uni<ManifestEntity> get(String repository, String reference) {
        Uni<ManifestEntity> found = Names.isDigest(reference)
                ? manifests.findByDigest(repository, Names.digest(reference))
                : manifests.findByTag(repository, Names.tag(reference));
        return found.onItem().ifNull().failWith(() -> OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference));
    }

    /**
     * Stores a manifest under a tag or its digest.
     *
     * @param reference   the tag or digest from the URL
     * @param body        the exact bytes pushed (already checked against the size limit)
     * @param contentType the request's Content-Type
     */
    @WithTransaction
    public Uni<PushedManifest> put(String repository, String reference, byte[] body, String contentType) {
        boolean byDigest = Names.isDigest(reference);
        String tag = byDigest ? null : Names.tag(reference);
        String digest = digestOf(body, byDigest ? Names.digest(reference) : null);
        if (byDigest && !digest.equals(reference)) {
            throw OciError.DIGEST_INVALID.exception("the manifest's digest is " + digest + ", not " + reference);
        }
        ParsedManifest parsed = ManifestParser.parse(body, contentType);
        return repositories.idCreatingIfMissing(repository, Names.project(repository))
                .call(repoId -> blobLinks.missing(repoId, parsed.blobs()).invoke(missing -> {
                    if (!missing.isEmpty()) {
                        throw OciError.MANIFEST_BLOB_UNKNOWN.exception("blob unknown to " + repository + ": " + String.join(", ", missing));
                    }
                }))
                .call(repoId -> manifests.missing(repoId, parsed.children()).invoke(missing -> {
                    if (!missing.isEmpty()) {
                        throw OciError.MANIFEST_BLOB_UNKNOWN.exception("manifest unknown to " + repository + ": " + String.join(", ", missing));
                    }
                }))
                .chain(repoId -> manifests.findByDigest(repoId, digest).chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(new Stored(existing, false));
                    }
                    ManifestEntity m = new ManifestEntity();
                    m.repositoryId = repoId;
                    m.digest = digest;
                    m.mediaType = parsed.mediaType();
                    m.artifactType = parsed.artifactType();
                    m.size = body.length;
                    m.content = body;
                    m.subjectDigest = parsed.subject();
                    m.annotations = parsed.annotationsJson();
                    m.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                    return manifests.persist(m)
                            .call(saved -> manifests.addReferences(saved.id, parsed.blobs(), ManifestReferenceEntity.BLOB))
                            .call(saved -> manifests.addReferences(saved.id, parsed.children(), ManifestReferenceEntity.MANIFEST))
                            .map(saved -> new Stored(saved, true));
                }).chain(stored -> tag == null
                        ? Uni.createFrom().item(new PushedManifest(stored.manifest, parsed, stored.created, null, null))
                        : tags.point(repoId, tag, stored.manifest.id)
                                .map(previous -> new PushedManifest(stored.manifest, parsed, stored.created, tag, previous))));
    }

    private record Stored(ManifestEntity manifest, boolean created) {
    }

    /**
     * Deletes a tag (the manifest stays) or, by digest, the manifest and every tag pointing at it.
     * Fails with MANIFEST_UNKNOWN when there is nothing to delete.
     */
    @WithTransaction
    public Uni<Void> delete(String repository, String reference) {
        boolean byDigest = Names.isDigest(reference);
        String checked = byDigest ? Names.digest(reference) : Names.tag(reference);
        return repositories.findByName(repository)
                .onItem().ifNull().failWith(() -> OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference))
                .chain(repo -> byDigest
                        ? manifests.findByDigest(repo.id, checked).chain(m -> m == null
                                ? Uni.createFrom().item(false)
                                : manifests.delete(m).replaceWith(true))
                        : tags.remove(repo.id, checked))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference);
                    }
                })
                .replaceWithVoid();
    }

    /** A page of tags; fails with NAME_UNKNOWN when the repository does not exist. */
    @WithSession
    public Uni<List<String>> tags(String repository, String last, int limit) {
        return repositories.findByName(repository)
                .onItem().ifNull().failWith(() -> OciError.NAME_UNKNOWN.exception(repository))
                .chain(repo -> limit == 0 ? Uni.createFrom().item(List.<String>of()) : tags.namesAfter(repo.id, last, limit));
    }

    /** A page of repository names. */
    @WithSession
    public Uni<List<String>> catalog(String last, int limit) {
        return limit == 0 ? Uni.createFrom().item(List.of()) : repositories.namesAfter(last, limit);
    }

    /** Manifests in the repository whose subject is {@code digest} (none when the repository is unknown). */
    @WithSession
    public Uni<List<ManifestEntity>> referrers(String repository, String digest) {
        return manifests.referrers(repository, Names.digest(digest));
    }

    @WithSession
    public Uni<RepositoryEntity> repository(String name) {
        return repositories.findByName(name);
    }

    /** {@code algorithm:hex} of the bytes, with the algorithm of {@code like} (sha256 by default). */
    static String digestOf(byte[] body, String like) {
        String algorithm = like != null && like.startsWith("sha512:") ? "sha512" : "sha256";
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
            return algorithm + ":" + HexFormat.of().formatHex(md.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
