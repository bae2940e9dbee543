package io.wharf.registry.storage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.crypto.digests.SHA256Digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What an S3 upload session is, kept as a small JSON object in the bucket so that any instance can
 * continue it: the bytes already in parts of the multipart upload, the bytes after them (fewer than
 * a part) in a tail object, and the running SHA-256 of all of them. Immutable: an append makes a new
 * session and writes it over the old one only once its bytes are safely stored.
 *
 * @param repository  the repository the upload was started in
 * @param startedAt   when the upload was created
 * @param updatedAt   when bytes were last appended (what the purge looks at)
 * @param multipartId the S3 multipart upload holding the parts, or {@code null} before the first part
 * @param parts       the parts uploaded, in order, each exactly the store's part size
 * @param tailKey     the object holding the bytes after the parts, or {@code null} when there are none
 * @param size        bytes received so far (the parts' and the tail's)
 * @param sha256      the encoded state of the SHA-256 over those bytes
 */
record S3UploadSession(String repository, Instant startedAt, Instant updatedAt, String multipartId, List<Part> parts,
                       String tailKey, long size, byte[] sha256) {

    /** A part of the multipart upload: its number (from 1), its ETag and its size. */
    record Part(int number, String etag, long size) {
    }

    static S3UploadSession started(String repository, Instant now) {
        return new S3UploadSession(repository, now, now, null, List.of(), null, 0, new SHA256Digest().getEncodedState());
    }

    S3UploadSession {
        parts = List.copyOf(parts);
    }

    /** Bytes held in parts. */
    long partBytes() {
        return parts.stream().mapToLong(Part::size).sum();
    }

    /** Bytes held in the tail object. */
    long tailSize() {
        return size - partBytes();
    }

    /** A copy of the running digest, to continue or finish. */
    SHA256Digest digest() {
        return new SHA256Digest(sha256);
    }

    /** This session after an append: more parts, another tail, a longer digest. */
    S3UploadSession appended(String newMultipartId, List<Part> newParts, String newTailKey, long newSize,
                             SHA256Digest newDigest, Instant now) {
        return new S3UploadSession(repository, startedAt, now, newMultipartId, newParts, newTailKey, newSize,
                newDigest.getEncodedState());
    }

    /** This session as if nothing had been appended since {@code when}. */
    S3UploadSession touchedAt(Instant when) {
        return new S3UploadSession(repository, startedAt, when, multipartId, parts, tailKey, size, sha256);
    }

    byte[] encode() {
        JsonArray encodedParts = new JsonArray();
        for (Part part : parts) {
            encodedParts.add(new JsonObject().put("number", part.number()).put("etag", part.etag()).put("size", part.size()));
        }
        return new JsonObject()
                .put("repository", repository)
                .put("startedAt", startedAt.toString())
                .put("updatedAt", updatedAt.toString())
                .put("multipartId", multipartId)
                .put("parts", encodedParts)
                .put("tailKey", tailKey)
                .put("size", size)
                .put("sha256", Base64.getEncoder().encodeToString(sha256))
                .encode().getBytes(StandardCharsets.UTF_8);
    }

    static S3UploadSession decode(byte[] bytes) {
        JsonObject json = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        List<Part> parts = new ArrayList<>();
        for (Object item : json.getJsonArray("parts")) {
            JsonObject part = (JsonObject) item;
            parts.add(new Part(part.getInteger("number"), part.getString("etag"), part.getLong("size")));
        }
        return new S3UploadSession(json.getString("repository"), Instant.parse(json.getString("startedAt")),
                Instant.parse(json.getString("updatedAt")), json.getString("multipartId"), parts,
                json.getString("tailKey"), json.getLong("size"), Base64.getDecoder().decode(json.getString("sha256")));
    }
}
