package io.wharf.registry.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.bouncycastle.crypto.digests.SHA256Digest;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Streams one request body into parts of a multipart upload: bytes are hashed as they arrive and
 * gathered in a buffer of at most one part; each full part is uploaded while the body is paused.
 * What is left at the end (fewer bytes than a part) is the new tail, which the caller stores. At
 * most one part's bytes are held in memory at a time. Runs on {@code context}.
 */
final class S3PartWriter {

    /** Bytes gathered, parts uploaded and the digest once the body has ended. */
    record Written(List<S3UploadSession.Part> parts, Buffer tail, long bytes, SHA256Digest digest) {
    }

    private final Context context;
    private final long partSize;
    private final SHA256Digest digest;
    /** Uploads part number {@code n} with these bytes; answers its ETag. */
    private final BiFunction<Integer, Buffer, Future<String>> uploadPart;
    private final List<S3UploadSession.Part> parts;
    private final Promise<Written> result = Promise.promise();
    private Buffer gathered;
    private long bytes;
    private boolean uploading;
    private boolean ended;

    /**
     * @param tail       the bytes after the last part, read back from the session's tail object
     * @param parts      the parts uploaded so far; new ones are numbered after them
     * @param uploadPart uploads a full part
     */
    S3PartWriter(Context context, long partSize, SHA256Digest digest, Buffer tail, List<S3UploadSession.Part> parts,
                 BiFunction<Integer, Buffer, Future<String>> uploadPart) {
        this.context = context;
        this.partSize = partSize;
        this.digest = digest;
        this.gathered = tail;
        this.parts = new ArrayList<>(parts);
        this.uploadPart = uploadPart;
    }

    /** Reads the whole of {@code body} (expected paused; resumed here) into parts and a tail. */
    Future<Written> write(ReadStream<Buffer> body) {
        context.runOnContext(ignored -> {
            body.exceptionHandler(this::fail);
            body.endHandler(ignored2 -> {
                ended = true;
                finishIfDone();
            });
            body.handler(chunk -> accept(body, chunk));
            body.resume();
        });
        return result.future();
    }

    private void accept(ReadStream<Buffer> body, Buffer chunk) {
        if (result.future().isComplete()) {
            return;
        }
        update(chunk);
        bytes += chunk.length();
        gathered.appendBuffer(chunk);
        if (!uploading && gathered.length() >= partSize) {
            sendNext(body);
        }
    }

    /** Uploads the first part's worth of what is gathered with the body paused, then resumes it. */
    private void sendNext(ReadStream<Buffer> body) {
        body.pause();
        uploading = true;
        Buffer part = gathered.slice(0, (int) partSize); // no copy: nothing is appended to it any more
        gathered = gathered.getBuffer((int) partSize, gathered.length());
        int number = parts.size() + 1;
        uploadPart.apply(number, part).onComplete(uploaded -> context.runOnContext(ignored -> {
            uploading = false;
            if (uploaded.failed()) {
                fail(uploaded.cause());
                return;
            }
            parts.add(new S3UploadSession.Part(number, uploaded.result(), part.length()));
            if (gathered.length() >= partSize) {
                sendNext(body);
            } else if (ended) {
                finishIfDone();
            } else {
                body.resume();
            }
        }));
    }

    private void finishIfDone() {
        if (ended && !uploading) {
            result.tryComplete(new Written(List.copyOf(parts), gathered, bytes, digest));
        }
    }

    private void fail(Throwable failure) {
        result.tryFail(failure);
    }

    private void update(Buffer chunk) {
        ByteBuf buf = chunk.getByteBuf();
        if (buf.hasArray()) {
            digest.update(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        } else {
            byte[] copy = chunk.getBytes();
            digest.update(copy, 0, copy.length);
        }
    }
}
