package io.wharf.registry.proxy;

import java.net.URI;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.wharf.registry.oci.Names;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;
import io.wharf.registry.service.BlobService;
import io.wharf.registry.storage.BlobStore;
import io.wharf.registry.storage.DigestMismatchException;

/**
 * Blob reads a proxy project's repository cannot answer from its links. A blob the store holds
 * already (for another repository) is linked once the upstream confirms it has it (a {@code HEAD}:
 * the link must not reveal another project's blob); any other is fetched and streamed to the client
 * while the store writes it, never gathered in memory, and becomes visible only once the store verified
 * its digest. When the digest is wrong nothing is stored and the client's answer is cut off before its
 * last bytes. A HEAD asks the upstream's HEAD and stores nothing.
 */
@ApplicationScoped
public class BlobPullThrough {

    private static final Logger LOG = Logger.getLogger(BlobPullThrough.class);

    private final ProxyProjects proxies;
    private final UpstreamClient upstream;
    private final BlobStore store;
    private final BlobService blobs;
    private final SingleFlight flights;
    private final UpstreamManners manners;

    public BlobPullThrough(ProxyProjects proxies, UpstreamClient upstream, BlobStore store, BlobService blobs,
                           SingleFlight flights, UpstreamManners manners) {
        this.flights = flights;
        this.manners = manners;
        this.proxies = proxies;
        this.upstream = upstream;
        this.store = store;
        this.blobs = blobs;
    }

    /**
     * Answers a read of a blob the repository does not link: its size when it is linked now (the caller
     * serves it as any linked blob), null when this has answered the client itself. Fails with
     * BLOB_UNKNOWN when the repository is no proxy project's, and with an error naming the upstream's
     * answer when the upstream does not provide the blob. {@code describe} sets the headers of a whole
     * blob of the size given (status 200) on {@code response}.
     */
    public Uni<Long> fetch(String repository, String digest, boolean head, HttpServerResponse response, LongConsumer describe) {
        return fetch(repository, digest, head, response, describe, true);
    }

    private Uni<Long> fetch(String repository, String digest, boolean head, HttpServerResponse response, LongConsumer describe,
                            boolean retry) {
        return proxies.upstream(Names.project(repository)).chain(u -> {
            if (u == null) {
                return Uni.createFrom().failure(OciError.BLOB_UNKNOWN.exception(digest));
            }
            String path = u.path(repository);
            URI target = u.resource(path, "blobs", digest);
            String scope = UpstreamClient.pullScope(path);
            if (head) {
                return upstreamSize(u, target, scope).invoke(size -> {
                    describe.accept(size);
                    response.end();
                }).replaceWith((Long) null);
            }
            // One fetch across all instances: the flight's leader looks again first (another instance may have
            // stored it meanwhile); requests that joined it serve what it stored, or try once more when it failed
            // without a word (its own client's answer cut off).
            return flights.run(SingleFlight.blobKey(repository, digest),
                    () -> blobs.linkedSize(repository, digest).chain(linked -> linked != null ? Uni.createFrom().item(linked)
                            : fetchHere(u, repository, digest, target, scope, response, describe)),
                    led -> blobs.linkedSize(repository, digest).chain(linked -> {
                        if (linked != null) {
                            return Uni.createFrom().item(linked);
                        }
                        return retry ? fetch(repository, digest, false, response, describe, false)
                                : Uni.createFrom().failure(RegistryException.saying(OciError.UNAVAILABLE,
                                        "fetching " + digest + " from " + u.url() + " failed; ask again"));
                    }));
        });
    }

    private Uni<Long> fetchHere(Upstream u, String repository, String digest, URI target, String scope, HttpServerResponse response,
                                LongConsumer describe) {
        return store.size(digest).chain(held -> held == null
                ? stream(u, repository, digest, target, scope, response, describe).replaceWith((Long) null)
                : upstreamSize(u, target, scope).chain(() -> blobs.link(repository, digest, held)).map(linked -> {
                    if (!linked) {
                        throw OciError.BLOB_UNKNOWN.exception(digest + " is being deleted here; ask again");
                    }
                    return held;
                }));
    }

    private Uni<Long> upstreamSize(Upstream u, URI target, String scope) {
        return PullThrough.call(upstream.send(u, HttpMethod.HEAD, target, null, scope)).map(answer -> {
            if (answer.status() != 200) {
                throw new UpstreamException(answer.status(), u.url() + " answered " + answer.status() + " to HEAD of " + target.getPath());
            }
            String length = answer.header("Content-Length");
            return length == null ? 0L : Long.parseLong(length);
        }).onFailure(UpstreamException.class).transform(e -> PullThrough.missing(OciError.BLOB_UNKNOWN, (UpstreamException) e));
    }

    private Uni<Void> stream(Upstream u, String repository, String digest, URI target, String scope, HttpServerResponse response,
                             LongConsumer describe) {
        // The whole download takes one place in the upstream's concurrency limit.
        return manners.limited(u, () -> download(u, repository, digest, target, scope, response, describe));
    }

    private Uni<Void> download(Upstream u, String repository, String digest, URI target, String scope, HttpServerResponse response,
                               LongConsumer describe) {
        return PullThrough.call(upstream.openBlob(u, target, scope))
                .onFailure(UpstreamException.class).transform(e -> PullThrough.missing(OciError.BLOB_UNKNOWN, (UpstreamException) e))
                .chain(answer -> {
                    if (answer.statusCode() != 200) {
                        answer.resume();
                        return Uni.createFrom().failure(PullThrough.missing(OciError.BLOB_UNKNOWN, new UpstreamException(answer.statusCode(),
                                u.url() + " answered " + answer.statusCode() + " to GET of " + target.getPath())));
                    }
                    return store.createUpload(repository).chain(upload -> copy(answer, repository, digest, upload.id(), response, describe));
                });
    }

    private Uni<Void> copy(HttpClientResponse answer, String repository, String digest, String uploadId, HttpServerResponse response,
                           LongConsumer describe) {
        String length = answer.getHeader("Content-Length");
        if (length != null) {
            describe.accept(Long.parseLong(length));
        } else {
            describe.accept(0);
            response.headers().remove("Content-Length");
            response.setChunked(true);
        }
        Tee tee = new Tee(answer, response);
        return store.append(uploadId, 0, tee)
                .chain(() -> blobs.commit(repository, digest, () -> store.commit(uploadId, digest)))
                .invoke(tee::finish)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("fetching blob %s of %s from upstream failed: %s", digest, repository, failure.toString());
                    Uni<Void> cancel = store.cancel(uploadId).onFailure().recoverWithNull().replaceWithVoid();
                    if (tee.started()) {
                        tee.abort(true); // the status line is out: only cutting the answer off tells the client
                        return cancel;
                    }
                    tee.abort(false);
                    response.headers().clear();
                    return cancel.chain(() -> Uni.createFrom().failure(failure instanceof DigestMismatchException
                            ? RegistryException.saying(OciError.UNAVAILABLE, "the upstream's bytes for " + digest
                                    + " do not hash to that digest; nothing was stored")
                            : failure));
                });
    }
}
