package io.wharf.registry.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A pool of off-heap buffers of {@link #CHUNK} bytes whose addresses are multiples of an
 * alignment, as {@code O_DIRECT} writes need. Buffers are reused: allocating and freeing direct
 * memory per chunk would cost more than the copy it serves. At most {@code retained} buffers are
 * kept; more may be out at once under load, and those are left to the garbage collector.
 * Thread-safe.
 */
final class AlignedBuffers {

    /** Size of every buffer: the unit of an upload's writes. */
    static final int CHUNK = 1 << 20;

    private final int alignment;
    private final ArrayBlockingQueue<ByteBuffer> free;

    /** @param alignment a power of two, at most 64 KiB */
    AlignedBuffers(int alignment, int retained) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1 || alignment > 65536) {
            throw new IllegalArgumentException("alignment must be a power of two up to 64 KiB: " + alignment);
        }
        this.alignment = alignment;
        this.free = new ArrayBlockingQueue<>(retained);
    }

    int alignment() {
        return alignment;
    }

    /** A cleared buffer of {@link #CHUNK} bytes. */
    ByteBuffer take() {
        ByteBuffer buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        return ByteBuffer.allocateDirect(CHUNK + alignment).alignedSlice(alignment).limit(CHUNK).slice();
    }

    /** Returns a buffer taken from this pool; the caller must not touch it afterwards. */
    void give(ByteBuffer buffer) {
        free.offer(buffer.clear());
    }
}
