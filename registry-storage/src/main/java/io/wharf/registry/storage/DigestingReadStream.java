package io.wharf.registry.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Passes a stream through unchanged (flow control included), counting its bytes and, when given
 * a digest, feeding every buffer to it as it goes by. Not thread-safe: the counters belong to the
 * source's thread until the stream has ended.
 */
final class DigestingReadStream extends ForwardingReadStream {

    private final MessageDigest digest;
    private long bytes;

    /** @param digest updated with every buffer; {@code null} to only count */
    DigestingReadStream(ReadStream<Buffer> source, MessageDigest digest) {
        super(source);
        this.digest = digest;
    }

    /** Bytes that went through so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
        } else {
            source.handler(buffer -> {
                observe(buffer);
                handler.handle(buffer);
            });
        }
        return this;
    }

    private void observe(Buffer buffer) {
        bytes += buffer.length();
        if (digest != null) {
            // A view of the same memory: hashing copies nothing.
            for (ByteBuffer part : buffer.getByteBuf().nioBuffers()) {
                digest.update(part);
            }
        }
    }
}
