package io.wharf.registry.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Where blob bytes live. Content-addressed: one copy per digest, whatever the number of
 * repositories that link it (the links are metadata, kept elsewhere).
 *
 * <p>Contract every implementation keeps (and {@code BlobStoreContract} checks):
 * <ul>
 *   <li>A blob becomes visible to {@link #size} and {@link #read} only through {@link #commit},
 *       and only when the bytes written to the upload hash to the digest asked for. Nothing
 *       half-written is ever served.</li>
 *   <li>Bytes are streamed with back-pressure; no implementation holds a whole blob in memory.</li>
 *   <li>An upload survives a restart of the process: {@link #upload} and {@link #append} work on
 *       an upload created by an earlier process (the running digest is recomputed if needed).</li>
 *   <li>Digests are {@code algorithm:hex} strings already validated by the caller
 *       ({@code sha256} and {@code sha512} are supported).</li>
 * </ul>
 */
public interface BlobStore {

    /** Size in bytes of a committed blob, or {@code null} when the store does not hold it. */
    Uni<Long> size(String digest);

    /**
     * Where bytes {@code [offset, offset + length)} of a committed blob can be had: a
     * {@link BlobRead.FileRegion} or a {@link BlobRead.Stream} of exactly that range, or a
     * {@link BlobRead.Redirect} to the whole blob (the client asks there for its range). The store
     * knows nothing of HTTP; the caller serves the handle. Fails with {@link BlobNotFoundException}
     * when the blob is absent (nothing was opened), and with {@link IllegalArgumentException} when
     * the range is not within the blob.
     */
    Uni<BlobRead> read(String digest, long offset, long length);

    /**
     * The whole of a small committed blob (an image config, say), or {@code null} when the store
     * does not hold it or it is larger than {@code maxBytes} (nothing large is ever read into memory).
     */
    Uni<byte[]> readSmall(String digest, int maxBytes);

    /** Deletes a committed blob; {@code false} when it was not there. */
    Uni<Boolean> delete(String digest);

    /** Starts an upload for {@code repository} and returns its state (size 0). */
    Uni<UploadState> createUpload(String repository);

    /** State of an upload, or {@code null} when there is no such upload. */
    Uni<UploadState> upload(String uploadId);

    /**
     * Appends the whole of {@code body} to the upload, streaming. {@code expectedOffset} is where
     * the client says the data starts ({@code -1}: wherever the upload ends now). Fails with
     * {@link UploadOffsetException} (nothing written) when it is not the current size, and with
     * {@link UploadNotFoundException} when there is no such upload. Returns the new state.
     * The stream is expected to be paused; this method resumes it. When the call fails before
     * writing, {@code body} is left paused and unread.
     *
     * <p>One append or commit runs on an upload at a time: while one runs, another fails at once
     * with {@link UploadBusyException} (an {@code UploadOffsetException}), nothing written. An
     * append is all or nothing: when {@code body} fails midway, the upload is left as it was.
     */
    Uni<UploadState> append(String uploadId, long expectedOffset, ReadStream<Buffer> body);

    /**
     * Verifies that the upload's bytes hash to {@code digest} and moves them into place. On a
     * mismatch it fails with {@link DigestMismatchException} and the upload is removed; when the
     * store already holds the digest the upload's bytes are discarded and the existing blob kept.
     * Returns the committed blob's size. Fails with {@link UploadNotFoundException} when there is
     * no such upload, and with {@link UploadBusyException} (upload kept) while an append runs.
     */
    Uni<Long> commit(String uploadId, String digest);

    /** Removes an upload and its bytes; {@code false} when there was none. */
    Uni<Boolean> cancel(String uploadId);

    /**
     * Digests of the committed blobs whose bytes were last written in {@code [since, until)}: what a
     * reconciliation after a crash looks at (a blob committed just before the process died, before
     * any repository linked it).
     */
    Uni<List<String>> committedBetween(Instant since, Instant until);

    /** Removes uploads not written to for longer than {@code age}; returns how many. */
    Uni<Integer> purgeUploadsOlderThan(Duration age);
}
