package io.wharf.registry.storage;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Passes a stream through in buffers of at least {@code threshold} bytes (the last one may be
 * smaller), so that a file receives a few large writes instead of one per network read. Flow
 * control is the source's: pausing this stream pauses the source, so at most about one threshold
 * plus one network buffer is held in memory. Not thread-safe, like the source it wraps.
 */
final class CoalescingReadStream extends ForwardingReadStream {

    private final int threshold;
    private Buffer pending;
    private Handler<Buffer> handler;

    CoalescingReadStream(ReadStream<Buffer> source, int threshold) {
        super(source);
        this.threshold = threshold;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.handler = handler;
        if (handler == null) {
            source.handler(null);
        } else {
            source.handler(this::accept);
        }
        return this;
    }

    private void accept(Buffer buffer) {
        if (pending == null) {
            if (buffer.length() >= threshold) {
                handler.handle(buffer);
                return;
            }
            pending = Buffer.buffer(threshold + buffer.length());
        }
        pending.appendBuffer(buffer);
        if (pending.length() >= threshold) {
            flush();
        }
    }

    private void flush() {
        if (pending != null && pending.length() > 0) {
            Buffer out = pending;
            pending = null;
            handler.handle(out);
        }
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        if (endHandler == null) {
            source.endHandler(null);
        } else {
            source.endHandler(v -> {
                if (handler != null) {
                    flush();
                }
                endHandler.handle(v);
            });
        }
        return this;
    }
}
