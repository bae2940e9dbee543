package io.wharf.registry.storage;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body for tests: a {@link ReadStream} that starts paused, emits only what is asked
 * for ({@link #fetch}), and always on its own Vert.x context, whichever thread asks. Built from
 * fixed chunks, generated on the fly (no whole body in memory), or pushed by the test.
 */
public final class TestBody implements ReadStream<Buffer> {

    /** Size of the chunks a generated body emits. */
    public static final int CHUNK_BYTES = 64 * 1024;

    /** Chunks emitted per turn of the event loop before yielding it. */
    private static final int CHUNKS_PER_TURN = 64;

    private static final Object END = new Object();

    private final Context context;
    /** Next item: a {@link Buffer}, {@link #END}, a {@link Throwable}, or {@code null} for "not yet". */
    private final Supplier<Object> source;
    private final Queue<Object> pushed = new ConcurrentLinkedQueue<>();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicLong emittedBytes = new AtomicLong();
    private final AtomicInteger pauses = new AtomicInteger();
    private volatile Handler<Buffer> handler;
    private volatile Handler<Void> endHandler;
    private volatile Handler<Throwable> exceptionHandler;
    /** Touched on {@link #context} only. */
    private boolean finished;

    private TestBody(Vertx vertx, Supplier<Object> source) {
        this.context = vertx.getOrCreateContext();
        this.source = source != null ? source : pushed::poll;
    }

    /** A body made of these chunks, in order. */
    public static TestBody of(Vertx vertx, byte[]... chunks) {
        return new TestBody(vertx, items(List.of(chunks), END));
    }

    /** A body that emits these chunks and then fails with {@code failure}, as a dropped connection does. */
    public static TestBody failingAfter(Vertx vertx, Throwable failure, byte[]... chunks) {
        return new TestBody(vertx, items(List.of(chunks), failure));
    }

    /** A body whose chunks the test {@link #push}es and then {@link #end}s. */
    public static TestBody open(Vertx vertx) {
        return new TestBody(vertx, null);
    }

    /**
     * {@code size} pseudo-random bytes derived from {@code seed}, generated chunk by chunk as
     * they are asked for. {@link #generatedDigest} and {@link #generatedSlice} give the same bytes.
     */
    public static TestBody generated(Vertx vertx, long size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] left = {size};
        return new TestBody(vertx, () -> {
            if (left[0] == 0) {
                return END;
            }
            byte[] chunk = nextChunk(random, left[0]);
            left[0] -= chunk.length;
            return Buffer.buffer(chunk);
        });
    }

    /** The {@code algorithm:hex} digest of {@link #generated}{@code (size, seed)}. */
    public static String generatedDigest(String algorithm, long size, long seed) {
        MessageDigest digest = BlobDigest.messageDigest(algorithm);
        forEachGeneratedChunk(size, seed, digest::update);
        return algorithm + ':' + HexFormat.of().formatHex(digest.digest());
    }

    /** Bytes {@code [offset, offset + length)} of {@link #generated}{@code (size, seed)}. */
    public static byte[] generatedSlice(long size, long seed, long offset, int length) {
        byte[] slice = new byte[length];
        long[] position = {0};
        forEachGeneratedChunk(size, seed, chunk -> {
            long chunkStart = position[0];
            position[0] += chunk.length;
            long from = Math.max(offset, chunkStart);
            long to = Math.min(offset + length, position[0]);
            if (from < to) {
                System.arraycopy(chunk, (int) (from - chunkStart), slice, (int) (from - offset), (int) (to - from));
            }
        });
        return slice;
    }

    private static void forEachGeneratedChunk(long size, long seed, Consumer<byte[]> consumer) {
        SplittableRandom random = new SplittableRandom(seed);
        for (long left = size; left > 0; ) {
            byte[] chunk = nextChunk(random, left);
            left -= chunk.length;
            consumer.accept(chunk);
        }
    }

    private static byte[] nextChunk(SplittableRandom random, long left) {
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, left)];
        random.nextBytes(chunk);
        return chunk;
    }

    private static Supplier<Object> items(List<byte[]> chunks, Object last) {
        Iterator<byte[]> iterator = chunks.iterator();
        return () -> iterator.hasNext() ? Buffer.buffer(iterator.next()) : last;
    }

    /** Queues a chunk of an {@link #open} body. */
    public TestBody push(byte[] chunk) {
        pushed.add(Buffer.buffer(chunk));
        schedule();
        return this;
    }

    /** Ends an {@link #open} body once the chunks pushed so far are emitted. */
    public TestBody end() {
        pushed.add(END);
        schedule();
        return this;
    }

    /** Bytes handed to the reader so far. */
    public long emittedBytes() {
        return emittedBytes.get();
    }

    /** How often the reader paused this body: more than zero means it applied back-pressure. */
    public int pauses() {
        return pauses.get();
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.handler = handler;
        schedule();
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        this.endHandler = endHandler;
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        demand.set(0);
        pauses.incrementAndGet();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        demand.accumulateAndGet(amount, (current, more) -> current > Long.MAX_VALUE - more ? Long.MAX_VALUE : current + more);
        schedule();
        return this;
    }

    private void schedule() {
        context.runOnContext(ignored -> emit());
    }

    private void emit() {
        for (int turn = 0; turn < CHUNKS_PER_TURN; turn++) {
            Handler<Buffer> current = handler;
            if (finished || current == null || demand.get() == 0) {
                return;
            }
            Object next = source.get();
            if (next == null) {
                return; // an open body waiting for its next push
            }
            if (next instanceof Buffer buffer) {
                demand.updateAndGet(d -> d == Long.MAX_VALUE ? d : Math.max(0, d - 1));
                emittedBytes.addAndGet(buffer.length());
                current.handle(buffer);
            } else {
                finished = true;
                if (next instanceof Throwable failure) {
                    Handler<Throwable> onFailure = exceptionHandler;
                    if (onFailure != null) {
                        onFailure.handle(failure);
                    }
                } else {
                    Handler<Void> onEnd = endHandler;
                    if (onEnd != null) {
                        onEnd.handle(null);
                    }
                }
            }
        }
        schedule(); // more may be wanted: continue on the next turn, leaving the event loop to others
    }
}
