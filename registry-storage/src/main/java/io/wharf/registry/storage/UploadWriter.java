package io.wharf.registry.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Streams one request body into an upload's file from a given offset, hashing it as it goes.
 *
 * <p>The body's network buffers are copied into {@link AlignedBuffers#CHUNK}-sized off-heap buffers;
 * each full one is written on a worker thread while the next one fills. Writes run one at a time,
 * in order, so the file only ever grows by whole prefixes of the body: what a killed process leaves
 * can be resumed from the size it reports. At most {@link #IN_FLIGHT} full buffers wait or are being
 * written; beyond that the body is paused until one is done, so memory per upload stays at a few
 * chunks whatever the blob's size.
 *
 * <p>With a direct channel ({@code O_DIRECT}), whole blocks go straight to the disk: nothing is
 * copied into the page cache and nothing is left dirty for the commit's fsync to write back — on
 * a virtual machine that copy into fresh page-cache memory was the largest single cost of a push.
 * Only the last partial block of a body goes through the ordinary (buffered) channel; the kernel
 * keeps the two views of the file coherent. Without a direct channel every write is buffered.
 *
 * <p>All methods run on the context of the request; the writes run on that context's workers.
 */
final class UploadWriter {

    /** Full chunks being written or waiting to be, per upload. */
    static final int IN_FLIGHT = 2;

    private final Context context;
    private final FileChannel buffered;
    private final FileChannel direct;
    private final AlignedBuffers buffers;
    private final MessageDigest digest;
    private final Promise<Long> done = Promise.promise();
    private final ArrayDeque<Write> queue = new ArrayDeque<>(IN_FLIGHT);

    private ReadStream<Buffer> body;
    private ByteBuffer filling;
    /** File offset of the first byte of {@link #filling}. */
    private long position;
    private long bytes;
    private int inFlight;
    private boolean writing;
    private boolean paused;
    private boolean ended;
    private Throwable failure;

    /**
     * @param buffered a channel open for writing on the upload's file
     * @param direct   a channel with {@code O_DIRECT} on the same file, or {@code null}; only
     *                 given when {@code start} is a multiple of the buffers' alignment
     * @param start    where the body's first byte goes
     * @param digest   the upload's running hash, updated with every byte; {@code null} to skip
     */
    UploadWriter(Context context, FileChannel buffered, FileChannel direct, AlignedBuffers buffers, long start,
                 MessageDigest digest) {
        this.context = Objects.requireNonNull(context, "context");
        this.buffered = Objects.requireNonNull(buffered, "buffered");
        this.direct = direct;
        this.buffers = Objects.requireNonNull(buffers, "buffers");
        this.position = start;
        this.digest = digest;
        if (direct != null && start % buffers.alignment() != 0) {
            throw new IllegalArgumentException("a direct write must start on a block boundary, not at " + start);
        }
    }

    /**
     * Reads {@code body} to its end into the file. Completes with the number of bytes written once
     * every write has completed; fails with the first failure of the body or of a write, also only
     * once no write is outstanding (so the caller may cut the file back at once). The channels
     * stay open: they are the caller's.
     */
    Future<Long> drain(ReadStream<Buffer> body) {
        this.body = body;
        body.exceptionHandler(this::fail);
        body.endHandler(ignored -> {
            ended = true;
            writeTail();
            finishIfIdle();
        });
        body.handler(this::accept);
        body.resume();
        return done.future();
    }

    private void accept(Buffer buffer) {
        if (failure != null) {
            return; // the append has failed: what still arrives is dropped
        }
        ByteBuf bytesIn = buffer.getByteBuf();
        int index = bytesIn.readerIndex();
        int remaining = bytesIn.readableBytes();
        bytes += remaining;
        if (digest != null) {
            for (ByteBuffer part : bytesIn.nioBuffers(index, remaining)) {
                digest.update(part); // a view of the same memory
            }
        }
        while (remaining > 0) {
            if (filling == null) {
                filling = buffers.take();
            }
            int n = Math.min(remaining, filling.remaining());
            filling.limit(filling.position() + n);
            bytesIn.getBytes(index, filling);
            filling.limit(filling.capacity());
            index += n;
            remaining -= n;
            if (!filling.hasRemaining()) {
                ByteBuffer full = filling;
                filling = null;
                full.flip();
                submit(full, direct != null ? direct : buffered, null);
            }
        }
        if (inFlight >= IN_FLIGHT && !paused) {
            paused = true;
            body.pause();
        }
    }

    /** Writes what is left in the last buffer: whole blocks directly, the rest buffered. */
    private void writeTail() {
        ByteBuffer tail = filling;
        filling = null;
        if (tail == null) {
            return;
        }
        tail.flip();
        if (failure != null || !tail.hasRemaining()) {
            buffers.give(tail);
            return;
        }
        if (direct == null) {
            submit(tail, buffered, null);
            return;
        }
        int whole = tail.remaining() - tail.remaining() % buffers.alignment();
        submit(tail, direct, whole == tail.remaining() ? null : whole);
    }

    /** A buffer to write at {@code at}; with {@code split}, its first {@code split} bytes through {@code channel}. */
    private record Write(ByteBuffer buffer, FileChannel channel, Integer split, long at) {
    }

    /**
     * Queues {@code buffer} for writing at the current position. With {@code split}, its first
     * {@code split} bytes go through {@code channel} and the rest through the buffered channel.
     */
    private void submit(ByteBuffer buffer, FileChannel channel, Integer split) {
        queue.add(new Write(buffer, channel, split, position));
        position += buffer.remaining();
        inFlight++;
        if (!writing) {
            writeNext();
        }
    }

    private void writeNext() {
        Write next = queue.poll();
        if (next == null) {
            return;
        }
        writing = true;
        context.executeBlocking(() -> {
            ByteBuffer buffer = next.buffer();
            if (next.split() == null) {
                writeFully(next.channel(), buffer, next.at());
            } else {
                writeFully(next.channel(), buffer.duplicate().limit(next.split()), next.at());
                writeFully(buffered, buffer.position(next.split()), next.at() + next.split());
            }
            return null;
        }, false).onComplete(result -> {
            writing = false;
            inFlight--;
            buffers.give(next.buffer());
            if (result.failed()) {
                fail(result.cause());
            } else if (failure == null) {
                if (paused && inFlight < IN_FLIGHT) {
                    paused = false;
                    body.resume();
                }
                writeNext();
            }
            finishIfIdle();
        });
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long offset = at;
        while (buffer.hasRemaining()) {
            offset += channel.write(buffer, offset);
        }
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
            // Nothing after the failure is written: the file stays a prefix of the body.
            for (Write dropped; (dropped = queue.poll()) != null; ) {
                inFlight--;
                buffers.give(dropped.buffer());
            }
            if (paused) {
                paused = false;
                body.resume(); // let the rest of the body be read and dropped
            }
        }
        finishIfIdle();
    }

    private void finishIfIdle() {
        if (inFlight > 0 || done.future().isComplete()) {
            return;
        }
        if (failure != null || ended) {
            if (filling != null) {
                buffers.give(filling);
                filling = null;
            }
            if (failure != null) {
                done.fail(failure);
            } else {
                done.complete(bytes);
            }
        }
    }
}
