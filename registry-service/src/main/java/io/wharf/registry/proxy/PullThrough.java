package io.wharf.registry.proxy;

import java.net.URI;
import java.time.Instant;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.reference.RepositoryNames;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.oci.MediaTypes;
import io.wharf.registry.oci.Names;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;
import io.wharf.registry.service.Caller;
import io.wharf.registry.service.ManifestService;
import io.wharf.registry.service.StoredManifest;

/**
 * Manifest reads of proxy projects, and the refusal of pushes into them. What the project holds is
 * served as it is when asked by digest; a tag is served without asking the upstream when it was checked
 * within the project's tag-check interval, else after one upstream {@code HEAD}, fetching only when the
 * digest changed. What the project lacks is fetched, its digest verified, and stored the way a push
 * stores it ({@link ManifestService#putFetched}: same tags and tag events, and an {@code artifact.cached} by
 * the pulling caller). An upstream that fails or cannot be reached does not fail a read the project can
 * answer: the cached copy is served with a {@code Warning}. Ordinary projects go straight to
 * {@link ManifestService#get}.
 */
@ApplicationScoped
public class PullThrough {

    /** A manifest to answer with, and the {@code Warning} header value when it is a cached copy served because the upstream failed. */
    public record Served(StoredManifest manifest, String warning) {
    }

    private static final String ACCEPT = String.join(", ", MediaTypes.MANIFESTS);

    private record Check(String digest, Instant at) {
    }

    private final ProxyProjects proxies;
    private final UpstreamClient upstream;
    private final ManifestService manifests;
    private final RegistryConfig config;
    private final Pool pool;
    private final SingleFlight flights;
    /** When this instance last knew each tag to be checked with the upstream (repository and tag). */
    private final Cache<String, Check> checks = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(ProxyProjects.MAX_TAG_CHECK).build();

    public PullThrough(ProxyProjects proxies, UpstreamClient upstream, ManifestService manifests, RegistryConfig config, Pool pool,
                       SingleFlight flights) {
        this.flights = flights;
        this.proxies = proxies;
        this.upstream = upstream;
        this.manifests = manifests;
        this.config = config;
        this.pool = pool;
    }

    /** Fails with DENIED when the repository is in a proxy project: nothing is pushed there. */
    public Uni<Void> refusePush(String repository) {
        String project = Names.project(repository);
        return proxies.upstream(project).invoke(u -> {
            if (u != null) {
                throw RegistryException.saying(OciError.DENIED, "project " + project + " is a proxy of " + u.url()
                        + ": it holds what is pulled from there, and nothing can be pushed into it");
            }
        }).replaceWithVoid();
    }

    /** The manifest a tag or digest names, fetched from the upstream when the repository is a proxy project's and it must be. */
    public Uni<Served> manifest(String repository, String reference, Supplier<Caller> caller) {
        return proxies.upstream(Names.project(repository)).chain(u -> u == null
                ? manifests.get(repository, reference).map(m -> new Served(m, null))
                : proxied(u, repository, reference, caller));
    }

    private Uni<Served> proxied(Upstream u, String repository, String reference, Supplier<Caller> caller) {
        boolean byDigest = Names.isDigest(reference);
        if (!byDigest && !RepositoryNames.isValidTag(reference)) {
            return manifests.get(repository, reference).map(m -> new Served(m, null)); // refused as any invalid tag
        }
        if (byDigest) {
            return local(repository, reference).chain(m -> m != null ? Uni.createFrom().item(new Served(m, null))
                    // Missing: one fetch across all instances; whoever comes later finds it stored.
                    : flights.run(SingleFlight.manifestKey(repository, reference), () -> local(repository, reference).chain(again -> again != null
                            ? Uni.createFrom().item(new Served(again, null))
                            : fetch(u, repository, Names.digest(reference), null, caller).map(f -> new Served(f, null))
                                    .onFailure(UpstreamException.class).transform(e -> missing(OciError.MANIFEST_UNKNOWN, (UpstreamException) e))),
                            served -> Uni.createFrom().item(served)));
        }
        return local(repository, reference).chain(m -> checkedAt(repository, reference, m, false).chain(checked -> {
            if (fresh(u, m, checked)) {
                return Uni.createFrom().item(new Served(m, null));
            }
            // Missing or due for a check: one upstream request across all instances. The flight's leader looks
            // again first, in the database: another instance may have fetched or checked it meanwhile.
            return flights.run(SingleFlight.manifestKey(repository, reference), () -> local(repository, reference)
                    .chain(again -> checkedAt(repository, reference, again, true).chain(at -> fresh(u, again, at)
                            ? Uni.createFrom().item(new Served(again, null))
                            : revalidate(u, repository, reference, again, caller))),
                    served -> Uni.createFrom().item(served));
        }));
    }

    /** The manifest the repository holds under the reference, or null. */
    private Uni<StoredManifest> local(String repository, String reference) {
        return manifests.get(repository, reference)
                .onFailure(e -> e instanceof RegistryException r && r.error() == OciError.MANIFEST_UNKNOWN).recoverWithNull();
    }

    private static boolean fresh(Upstream u, StoredManifest held, Instant checked) {
        return held != null && checked != null && !checked.plus(u.tagCheckInterval()).isBefore(Instant.now());
    }

    /** One upstream HEAD of the tag; a fetch when its digest is not the one held. */
    private Uni<Served> revalidate(Upstream u, String repository, String tag, StoredManifest held, Supplier<Caller> caller) {
        String path = u.path(repository);
        if (held == null) { // nothing to compare with: one GET instead of a HEAD and a GET
            return fetch(u, repository, tag, tag, caller)
                    .call(m -> recordCheck(repository, tag, m.digest()))
                    .map(m -> new Served(m, null))
                    .onFailure(UpstreamException.class).transform(e -> missing(OciError.MANIFEST_UNKNOWN, (UpstreamException) e));
        }
        return call(upstream.send(u, HttpMethod.HEAD, u.resource(path, "manifests", tag), ACCEPT, UpstreamClient.pullScope(path)))
                .chain(answer -> {
                    if (answer.status() != 200) {
                        throw new UpstreamException(answer.status(), u.url() + " answered " + answer.status() + " to HEAD of " + path + ":" + tag);
                    }
                    String digest = answer.header("Docker-Content-Digest");
                    if (held.digest().equals(digest)) {
                        return recordCheck(repository, tag, digest).replaceWith(new Served(held, null));
                    }
                    return fetch(u, repository, digest != null && Names.isDigest(digest) ? digest : tag, tag, caller)
                            .call(m -> recordCheck(repository, tag, m.digest()))
                            .map(m -> new Served(m, null));
                })
                // The upstream failed, or what it sent cannot be stored (invalid, wrong digest, a protected tag moved):
                // the copy held is still what this tag named last.
                .onFailure(e -> e instanceof UpstreamException || e instanceof RegistryException)
                .recoverWithItem(e -> new Served(held, warning(e.getMessage())));
    }

    /**
     * Fetches the manifest {@code reference} (a digest, or the tag) names upstream, verifies its digest and
     * stores it under {@code tag} (null: by digest only).
     */
    private Uni<StoredManifest> fetch(Upstream u, String repository, String reference, String tag, Supplier<Caller> caller) {
        String path = u.path(repository);
        return call(upstream.send(u, HttpMethod.GET, u.resource(path, "manifests", reference), ACCEPT, UpstreamClient.pullScope(path)))
                .chain(answer -> {
                    String where = u.url() + " for " + path + " " + reference;
                    if (answer.status() != 200) {
                        throw new UpstreamException(answer.status(), u.url() + " answered " + answer.status() + " to GET of " + path + " " + reference);
                    }
                    byte[] body = answer.body().getBytes();
                    if (body.length > config.maxManifestSize()) {
                        throw OciError.MANIFEST_INVALID.exception("the manifest from " + where + " is larger than " + config.maxManifestSize() + " bytes");
                    }
                    boolean byDigest = Names.isDigest(reference);
                    String digest = ManifestService.digestOf(body, byDigest ? reference : null);
                    String claimed = byDigest ? reference : answer.header("Docker-Content-Digest");
                    if (claimed != null && !claimed.equals(digest)) {
                        throw OciError.DIGEST_INVALID.exception("the manifest from " + where + " hashes to " + digest + ", not " + claimed);
                    }
                    String type = answer.header("Content-Type");
                    String mediaType = type == null ? null : type.split(";", 2)[0].trim();
                    return manifests.putFetched(repository, tag != null ? tag : digest, body, mediaType, caller.get())
                            .map(pushed -> new StoredManifest(pushed.manifest().digest, pushed.manifest().mediaType,
                                    pushed.manifest().size, pushed.manifest().content));
                });
    }

    /**
     * When the tag, holding {@code held}, was last checked with the upstream; null when never (or it held another
     * digest then). What this instance remembers, unless {@code fromDatabase}.
     */
    private Uni<Instant> checkedAt(String repository, String tag, StoredManifest held, boolean fromDatabase) {
        if (held == null) {
            return Uni.createFrom().nullItem();
        }
        String key = repository + ":" + tag;
        Check known = fromDatabase ? null : checks.getIfPresent(key);
        Uni<Check> check = known != null ? Uni.createFrom().item(known)
                : pool.preparedQuery("select digest, checked_at from proxy_tag_check where repository = $1 and tag = $2")
                        .execute(Tuple.of(repository, tag))
                        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null)
                        .map(r -> r == null ? null : new Check(r.getString("digest"), r.getOffsetDateTime("checked_at").toInstant()))
                        .invoke(c -> {
                            if (c != null) {
                                checks.put(key, c);
                            }
                        });
        return check.map(c -> c != null && c.digest().equals(held.digest()) ? c.at() : null);
    }

    private Uni<Void> recordCheck(String repository, String tag, String digest) {
        Instant now = Instant.now();
        checks.put(repository + ":" + tag, new Check(digest, now));
        return pool.preparedQuery("insert into proxy_tag_check (repository, tag, digest, checked_at) values ($1, $2, $3, now())"
                        + " on conflict (repository, tag) do update set digest = excluded.digest, checked_at = excluded.checked_at")
                .execute(Tuple.of(repository, tag, digest)).replaceWithVoid();
    }

    /** A client call whose failure to get any answer (refused, timed out) becomes an {@link UpstreamException} with status 0. */
    static <T> Uni<T> call(Uni<T> request) {
        return request.onFailure(e -> !(e instanceof UpstreamException))
                .transform(e -> new UpstreamException(0, "the upstream could not be reached: " + describe(e)));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    /** The refusal of a read the project cannot answer because the upstream did not: names the upstream's answer. */
    static RegistryException missing(OciError notFound, UpstreamException e) {
        String message = "not cached here, and the upstream did not provide it: " + e.getMessage();
        if (e.status() == 404) {
            return RegistryException.saying(notFound, message);
        }
        return RegistryException.saying(e.status() == 429 ? OciError.TOOMANYREQUESTS : OciError.UNAVAILABLE, message);
    }

    /** A {@code Warning} header value (RFC 9111 5.5 form) for a cached copy served because the upstream failed. */
    static String warning(String reason) {
        return "111 wharf \"revalidation with the upstream failed, serving the cached copy: " + reason.replace('"', '\'').replace('\\', '/') + "\"";
    }
}
