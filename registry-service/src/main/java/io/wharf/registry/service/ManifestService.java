package io.wharf.registry.service;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.reference.RepositoryNames;
import io.wharf.registry.events.EventRecorder;
import io.wharf.registry.events.OutboxRelay;
import io.wharf.registry.gc.BlobLiveness;
import io.wharf.registry.immutability.TagImmutability;
import io.wharf.registry.metadata.BlobLinks;
import io.wharf.registry.metadata.ManifestEntity;
import io.wharf.registry.metadata.ManifestReferenceEntity;
import io.wharf.registry.metadata.Manifests;
import io.wharf.registry.metadata.Repositories;
import io.wharf.registry.metadata.RepositoryEntity;
import io.wharf.registry.metadata.Tags;
import io.wharf.registry.oci.ManifestParser;
import io.wharf.registry.oci.Names;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.ParsedManifest;

/**
 * Manifests and tags of repositories. A PUT is validated completely before anything is written,
 * and written in one transaction together with the events it causes: a refused push changes
 * nothing and records no event; an accepted one records {@code repository.created} (first
 * manifest of the repository), {@code artifact.pushed}, and {@code tag.created} or
 * {@code tag.updated} (with the previous digest) when a tag was set or moved.
 */
@ApplicationScoped
public class ManifestService {

    private final Repositories repositories;
    private final Manifests manifests;
    private final Tags tags;
    private final BlobLinks blobLinks;
    private final EventRecorder events;
    private final MetadataCache cache;
    private final OutboxRelay relay;
    private final TagImmutability immutability;
    private final BlobLiveness liveness;

    public ManifestService(Repositories repositories, Manifests manifests, Tags tags, BlobLinks blobLinks, EventRecorder events,
                           MetadataCache cache, OutboxRelay relay, TagImmutability immutability, BlobLiveness liveness) {
        this.immutability = immutability;
        this.liveness = liveness;
        this.repositories = repositories;
        this.manifests = manifests;
        this.tags = tags;
        this.blobLinks = blobLinks;
        this.events = events;
        this.cache = cache;
        this.relay = relay;
    }

    /**
     * The manifest a tag or digest names; fails with MANIFEST_UNKNOWN, also for a reference that is no
     * valid tag (no manifest can have it: the spec, and its conformance suite, want a 404 there, where a
     * push to such a tag is TAG_INVALID). Served from the cache when it can.
     */
    public Uni<StoredManifest> get(String repository, String reference) {
        boolean byDigest = Names.isDigest(reference);
        if (!byDigest && !RepositoryNames.isValidTag(reference)) {
            return Uni.createFrom().failure(OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference + " (not a valid tag)"));
        }
        String digest = byDigest ? Names.digest(reference) : cache.tags().getIfPresent(MetadataCache.key(repository, reference));
        if (digest != null) {
            StoredManifest cached = cache.manifests().getIfPresent(MetadataCache.key(repository, digest));
            if (cached != null) {
                return Uni.createFrom().item(cached);
            }
        }
        Uni<ManifestEntity> found = Panache.withSession(() -> byDigest
                ? manifests.findByDigest(repository, digest)
                : manifests.findByTag(repository, reference));
        return found.onItem().ifNull().failWith(() -> OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference))
                .map(m -> {
                    StoredManifest stored = StoredManifest.of(m);
                    cache.manifests().put(MetadataCache.key(repository, m.digest), stored);
                    if (!byDigest) {
                        cache.tags().put(MetadataCache.key(repository, reference), m.digest);
                    }
                    return stored;
                });
    }

    /**
     * Stores a manifest under a tag or its digest. A push that would move a tag an immutability rule
     * protects to another digest is refused (DENIED, naming the rule) and changes nothing.
     *
     * @param reference   the tag or digest from the URL
     * @param body        the exact bytes pushed (already checked against the size limit)
     * @param contentType the request's Content-Type
     * @param caller      who pushes, for the events
     */
    public Uni<PushedManifest> put(String repository, String reference, byte[] body, String contentType, Caller caller) {
        return put(repository, reference, body, contentType, caller, false);
    }

    /**
     * Stores a manifest a proxy project fetched from its upstream (digest verified), as a push does
     * (tags, immutability, tag events; {@code artifact.cached} instead of {@code artifact.pushed}), except
     * that the blobs and child manifests it references need not be here yet: they are fetched when a
     * client asks for them.
     */
    public Uni<PushedManifest> putFetched(String repository, String reference, byte[] body, String contentType, Caller caller) {
        return put(repository, reference, body, contentType, caller, true);
    }

    private Uni<PushedManifest> put(String repository, String reference, byte[] body, String contentType, Caller caller,
                                    boolean fetched) {
        return immutability.rules(Names.project(repository))
                .chain(rules -> Panache.withTransaction(() -> store(repository, reference, body, contentType, caller, rules, fetched)))
                .invoke(pushed -> {
                    // After the commit: the events go out now, and this instance answers with the new state at once.
                    relay.wake();
                    cache.manifests().put(MetadataCache.key(repository, pushed.manifest().digest), StoredManifest.of(pushed.manifest()));
                    if (pushed.tag() != null) {
                        cache.tagsChanged(repository, pushed.tag());
                        cache.tags().put(MetadataCache.key(repository, pushed.tag()), pushed.manifest().digest);
                    }
                });
    }

    private Uni<PushedManifest> store(String repository, String reference, byte[] body, String contentType, Caller caller,
                                      TagImmutability.ProjectRules rules, boolean fetched) {
        boolean byDigest = Names.isDigest(reference);
        String tag = byDigest ? null : Names.tag(reference);
        String digest = digestOf(body, byDigest ? Names.digest(reference) : null);
        if (byDigest && !digest.equals(reference)) {
            throw OciError.DIGEST_INVALID.exception("the manifest's digest is " + digest + ", not " + reference);
        }
        ParsedManifest parsed = ManifestParser.parse(body, contentType);
        return repositories.idCreatingIfMissing(repository, Names.project(repository))
                .call(repoId -> (fetched ? Uni.createFrom().item(List.<String>of()) : blobLinks.missing(repoId, parsed.blobs())).invoke(missing -> {
                    if (!missing.isEmpty()) {
                        // A HEAD may have cached a link that went since (unlinked, pruned): the next HEAD asks the database.
                        missing.forEach(d -> cache.blobSizes().invalidate(MetadataCache.key(repository, d)));
                        throw OciError.MANIFEST_BLOB_UNKNOWN.exception("blob unknown to " + repository + ": " + String.join(", ", missing));
                    }
                }))
                // A fetched manifest's blobs come later, when asked for: nothing to hold yet.
                .call(repoId -> fetched ? Uni.createFrom().voidItem() : liveness.holdForManifest(repoId, parsed.blobs()))
                .call(repoId -> (fetched ? Uni.createFrom().item(List.<String>of()) : manifests.missing(repoId, parsed.children())).invoke(missing -> {
                    if (!missing.isEmpty()) {
                        throw OciError.MANIFEST_BLOB_UNKNOWN.exception("manifest unknown to " + repository + ": " + String.join(", ", missing));
                    }
                }))
                .chain(repoId -> repositories.markPopulated(repoId).chain(firstManifest -> {
                    ManifestEntity m = new ManifestEntity();
                    m.repositoryId = repoId;
                    m.digest = digest;
                    m.mediaType = parsed.mediaType();
                    m.artifactType = parsed.artifactType();
                    m.size = body.length;
                    m.content = body;
                    m.subjectDigest = parsed.subject();
                    m.annotations = parsed.annotationsJson();
                    // Insert-or-keep, then read: the same bytes pushed twice at once are one manifest.
                    return manifests.insertIfMissing(m)
                            .chain(inserted -> manifests.findByDigest(repoId, digest)
                                    .call(saved -> inserted ? addReferences(saved, parsed) : Uni.createFrom().voidItem())
                                    .map(saved -> new Stored(saved, inserted)))
                            .chain(stored -> tag == null
                                    ? Uni.createFrom().item(new PushedManifest(stored.manifest, parsed, stored.created, null, null))
                                    : immutability.lockIfProtected(rules, repoId, repository, tag)
                                            .chain(() -> tags.point(repoId, tag, stored.manifest.id))
                                            .invoke(previous -> rules.checkMove(repository, tag, previous, digest))
                                            .map(previous -> new PushedManifest(stored.manifest, parsed, stored.created, tag, previous)))
                            .call(pushed -> recordPush(repository, pushed, firstManifest, caller, fetched));
                }));
    }

    private Uni<Void> addReferences(ManifestEntity saved, ParsedManifest parsed) {
        return manifests.addReferences(saved.id, parsed.blobs(), ManifestReferenceEntity.BLOB)
                .chain(() -> manifests.addReferences(saved.id, parsed.children(), ManifestReferenceEntity.MANIFEST));
    }

    /**
     * The events of a stored manifest: a push's {@code artifact.pushed}; a manifest fetched from a proxy project's
     * upstream is {@code artifact.cached} when it is new here (none when only a tag moved to one held already).
     */
    private Uni<Void> recordPush(String repository, PushedManifest pushed, boolean firstManifest, Caller caller, boolean fetched) {
        ManifestEntity m = pushed.manifest();
        RegistryEventData.Builder data = RegistryEventData.builder(repository, m.digest)
                .project(Names.project(repository))
                .mediaType(m.mediaType)
                .artifactType(m.artifactType)
                .size((long) m.size)
                .platforms(platforms(pushed.parsed()))
                .actor(caller.actor())
                .request(caller.request());
        // Each event's data is built before the next change to the builder: the chain runs later.
        RegistryEventData repositoryData = data.build();
        RegistryEventData pushData = data.tag(pushed.tag()).build();
        Uni<?> chain = Uni.createFrom().voidItem();
        if (firstManifest) {
            chain = chain.chain(() -> events.record(EventType.REPOSITORY_CREATED, repositoryData));
        }
        if (!fetched) {
            chain = chain.chain(() -> events.record(EventType.ARTIFACT_PUSHED, pushData));
        } else if (pushed.created()) {
            chain = chain.chain(() -> events.record(EventType.ARTIFACT_CACHED, pushData));
        }
        if (pushed.tag() != null && !m.digest.equals(pushed.previousDigest())) {
            EventType type = pushed.previousDigest() == null ? EventType.TAG_CREATED : EventType.TAG_UPDATED;
            RegistryEventData tagData = data.previousDigest(pushed.previousDigest()).build();
            chain = chain.chain(() -> events.record(type, tagData));
        }
        return chain.replaceWithVoid();
    }

    private static List<RegistryEventData.Platform> platforms(ParsedManifest parsed) {
        return parsed.platforms().stream().map(p -> {
            String[] parts = p.split("/", 3);
            return new RegistryEventData.Platform(parts[0], parts[1], parts.length > 2 ? parts[2] : null);
        }).toList();
    }

    private record Stored(ManifestEntity manifest, boolean created) {
    }

    /**
     * Deletes a tag (the manifest stays) or, by digest, the manifest and every tag pointing at it.
     * Fails with MANIFEST_UNKNOWN when there is nothing to delete, and with DENIED when an immutability
     * rule protects a tag that would go.
     */
    public Uni<Void> delete(String repository, String reference, Caller caller) {
        return delete(repository, reference, caller, null);
    }

    /**
     * The same, for a deletion the registry makes for a reason of its own, which its events carry
     * ({@link RegistryEventData#REASON_BREAK_GLASS}: a system administrator's override, which immutability
     * rules do not stop; the caller checks who may do that).
     */
    public Uni<Void> delete(String repository, String reference, Caller caller, String reason) {
        boolean byDigest = Names.isDigest(reference);
        String checked = byDigest ? Names.digest(reference) : Names.tag(reference);
        Uni<TagImmutability.ProjectRules> rules = RegistryEventData.REASON_BREAK_GLASS.equals(reason)
                ? Uni.createFrom().item(TagImmutability.ProjectRules.NONE) : immutability.rules(Names.project(repository));
        return rules.chain(r -> Panache.withTransaction(() -> remove(repository, reference, byDigest, checked, caller, r, reason)))
                .invoke(removed -> {
                    relay.wake();
                    if (byDigest) {
                        cache.manifestDeleted(repository, checked);
                    }
                    removed.forEach(tag -> cache.tagsChanged(repository, tag));
                    cache.tagLists().invalidate(repository);
                })
                .replaceWithVoid();
    }

    /**
     * Deletes in the current transaction; returns the tags that went. Concurrent deletes of the same
     * reference serialize on its row lock: the later one then finds nothing (MANIFEST_UNKNOWN) and
     * records nothing, so each deletion is answered 202 and recorded once.
     */
    private Uni<List<String>> remove(String repository, String reference, boolean byDigest, String checked, Caller caller,
                                     TagImmutability.ProjectRules rules, String reason) {
        return repositories.findByName(repository)
                .onItem().ifNull().failWith(() -> OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference))
                .chain(repo -> byDigest
                        ? lockManifest(repo, checked)
                                .onItem().ifNull().failWith(() -> OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference))
                                .chain(m -> tags.namesOf(m.id).invoke(tagNames -> rules.checkRemoval(repository, tagNames))
                                        .call(tagNames -> deleteLocked(repository, m, tagNames, caller, reason)))
                        : tags.lockForDelete(repo.id, checked)
                                .onItem().ifNull().failWith(() -> OciError.MANIFEST_UNKNOWN.exception(repository + ":" + reference))
                                .invoke(() -> rules.checkRemoval(repository, List.of(checked)))
                                .chain(manifestId -> manifests.findById(manifestId))
                                .call(() -> tags.remove(repo.id, checked))
                                .call(m -> recordDelete(repository, m, List.of(checked), false, caller, reason))
                                .replaceWith(List.of(checked)));
    }

    /**
     * The manifest, locked for deletion in the current transaction (null when gone). The project's usage
     * is locked first: see {@link Manifests#lockUsage} for the deadlock with pushes that order avoids.
     */
    private Uni<ManifestEntity> lockManifest(RepositoryEntity repo, String digest) {
        Uni<Void> usage = repo.project == null ? Uni.createFrom().voidItem() : manifests.lockUsage(repo.project);
        return usage.chain(() -> manifests.lockForDelete(repo.id, digest));
    }

    /**
     * Deletes a manifest {@link #lockManifest} locked, by one SQL statement (tags and references go by
     * ON DELETE CASCADE), and records its events. This used to read the manifest without a lock and
     * delete it as a Panache entity (flushed through Hibernate Reactive's delete coordinator): the loser
     * of two concurrent deletes of one digest reached that entity delete for a row the winner had already
     * deleted and got a 500 or no answer at all instead of a 404. Now the row is locked first, so the
     * loser finds nothing, and the statement deletes what is locked, nothing Hibernate has to reconcile.
     */
    private Uni<Void> deleteLocked(String repository, ManifestEntity m, List<String> tagNames, Caller caller, String reason) {
        return manifests.deleteRow(m.id).chain(() -> recordDelete(repository, m, tagNames, true, caller, reason));
    }

    /**
     * Deletes a manifest by digest with every tag pointing at it, as {@link #delete} does (same events,
     * same cache invalidation), for a deletion the registry decided itself: the events carry
     * {@code reason} (a {@code RegistryEventData.REASON_*}). {@code stillDeletable} runs inside the
     * deletion's transaction, after the manifest's row is locked (a concurrent push of a tag onto it
     * waits for this transaction or committed before), with the manifest and the tags pointing at it
     * now; when it answers false nothing changes. True when the manifest was deleted, false when it
     * was gone already or {@code stillDeletable} kept it.
     */
    public Uni<Boolean> deleteDecided(String repository, String digest, Caller caller, String reason,
                                      java.util.function.BiFunction<ManifestEntity, List<String>, Uni<Boolean>> stillDeletable) {
        return Panache.withTransaction(() -> repositories.findByName(repository).chain(repo -> repo == null ? Uni.createFrom().<ManifestEntity>nullItem()
                        : lockManifest(repo, digest))
                .chain(m -> m == null ? Uni.createFrom().<List<String>>nullItem() : tags.namesOf(m.id)
                        .chain(tagNames -> stillDeletable.apply(m, tagNames).chain(ok -> !ok ? Uni.createFrom().<List<String>>nullItem()
                                : deleteLocked(repository, m, tagNames, caller, reason).replaceWith(tagNames)))))
                .invoke(removed -> {
                    if (removed != null) {
                        relay.wake();
                        cache.manifestDeleted(repository, digest);
                        removed.forEach(tag -> cache.tagsChanged(repository, tag));
                    }
                })
                .map(removed -> removed != null);
    }

    /**
     * {@code tag.deleted} for each tag that went, and {@code artifact.deleted} when the manifest went;
     * {@code reason} is null for a client's delete.
     */
    private Uni<Void> recordDelete(String repository, ManifestEntity m, List<String> tagNames, boolean manifestDeleted, Caller caller,
                                   String reason) {
        Uni<?> chain = Uni.createFrom().voidItem();
        for (String tagName : tagNames) {
            RegistryEventData tagData = deletion(repository, m, caller).tag(tagName).reason(reason).build();
            chain = chain.chain(() -> events.record(EventType.TAG_DELETED, tagData));
        }
        if (manifestDeleted) {
            RegistryEventData artifactData = deletion(repository, m, caller).reason(reason).build();
            chain = chain.chain(() -> events.record(EventType.ARTIFACT_DELETED, artifactData));
        }
        return chain.replaceWithVoid();
    }

    private static RegistryEventData.Builder deletion(String repository, ManifestEntity m, Caller caller) {
        return RegistryEventData.builder(repository, m.digest)
                .project(Names.project(repository))
                .mediaType(m.mediaType)
                .artifactType(m.artifactType)
                .size((long) m.size)
                .actor(caller.actor())
                .request(caller.request());
    }

    /**
     * A page of tags after {@code last}, in lexical order, read from the database (for when
     * {@link #cachedTags} has none); fails with NAME_UNKNOWN when the repository does not exist.
     * Lists of up to {@link #CACHED_TAG_LIST_LIMIT} tags are then cached whole; a longer one is remembered as
     * such ({@link #TOO_MANY_TAGS}, dropped with the cached lists on every tag change), so that its later pages
     * are read at once instead of after reading its first {@link #CACHED_TAG_LIST_LIMIT} names again.
     */
    public Uni<List<String>> loadTags(String repository, String last, int limit) {
        boolean tooMany = cache.tagLists().getIfPresent(repository) == TOO_MANY_TAGS;
        return Panache.withSession(() -> repositories.findByName(repository)
                .onItem().ifNull().failWith(() -> OciError.NAME_UNKNOWN.exception(repository))
                .chain(repo -> (tooMany ? Uni.createFrom().item(TOO_MANY_TAGS) : tags.namesAfter(repo.id, null, CACHED_TAG_LIST_LIMIT + 1))
                        .chain(all -> {
                    if (all != TOO_MANY_TAGS && all.size() <= CACHED_TAG_LIST_LIMIT) {
                        cache.tagLists().put(repository, List.copyOf(all));
                        return Uni.createFrom().item(page(all, last, limit));
                    }
                    cache.tagLists().put(repository, TOO_MANY_TAGS);
                    return limit == 0 ? Uni.createFrom().item(List.<String>of()) : tags.namesAfter(repo.id, last, limit);
                })));
    }

    /** A page of tags as {@link #loadTags} gives it, when this instance has the tag list in memory; else null. */
    public List<String> cachedTags(String repository, String last, int limit) {
        List<String> cached = cache.tagLists().getIfPresent(repository);
        return cached == null || cached == TOO_MANY_TAGS ? null : page(cached, last, limit);
    }

    /** Stands in the tag-list cache for a repository with more than {@link #CACHED_TAG_LIST_LIMIT} tags (compared by identity). */
    private static final List<String> TOO_MANY_TAGS = java.util.Collections.unmodifiableList(new java.util.ArrayList<>());

    /** Repositories with at most this many tags keep their whole tag list in memory. */
    static final int CACHED_TAG_LIST_LIMIT = 10_000;

    private static List<String> page(List<String> sorted, String last, int limit) {
        int from = 0;
        if (last != null) {
            int i = java.util.Collections.binarySearch(sorted, last);
            from = i >= 0 ? i + 1 : -i - 1;
        }
        return sorted.subList(from, Math.min(sorted.size(), from + limit));
    }

    /** A page of repository names. */
    @WithSession
    public Uni<List<String>> catalog(String last, int limit, io.wharf.registry.auth.ReadableProjects visible) {
        if (limit == 0 || visible.none()) {
            return Uni.createFrom().item(List.of());
        }
        return visible.all() ? repositories.namesAfter(last, limit) : repositories.namesAfter(last, limit, visible.projects());
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
    public static String digestOf(byte[] body, String like) {
        String algorithm = like != null && like.startsWith("sha512:") ? "sha512" : "sha256";
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
            return algorithm + ":" + HexFormat.of().formatHex(md.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
