package io.wharf.registry.quota;

import java.util.function.LongFunction;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upload body that may carry at most {@code allowance} bytes: the buffer that would go past it is
 * not handed on; the reader's exception handler gets the refusal instead, and the rest of the body
 * is read and dropped (so the connection can carry the answer). What the reader stored is thus never
 * more than the allowance, and a store's append, which is all or nothing, removes even that.
 */
final class MeteredBody implements ReadStream<Buffer> {

    private final ReadStream<Buffer> body;
    private final long allowance;
    private final LongFunction<RuntimeException> refusal;
    private long seen;
    private boolean refused;
    private Handler<Buffer> handler;
    private Handler<Throwable> exceptionHandler;

    /** {@code refusal} gets the bytes the body would have reached with the refused buffer. */
    MeteredBody(ReadStream<Buffer> body, long allowance, LongFunction<RuntimeException> refusal) {
        this.body = body;
        this.allowance = allowance;
        this.refusal = refusal;
    }

    private void accept(Buffer buffer) {
        if (refused) {
            return;
        }
        if (seen + buffer.length() > allowance) {
            refused = true;
            body.resume(); // drain: the answer goes out once the client has sent what it sends
            if (exceptionHandler != null) {
                exceptionHandler.handle(refusal.apply(seen + buffer.length()));
            }
            return;
        }
        seen += buffer.length();
        if (handler != null) {
            handler.handle(buffer);
        }
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.handler = handler;
        body.handler(handler == null ? null : this::accept);
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        body.exceptionHandler(handler == null ? null : e -> {
            if (!refused) {
                handler.handle(e);
            }
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        body.endHandler(handler == null ? null : v -> {
            if (!refused) {
                handler.handle(v);
            }
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        if (!refused) {
            body.pause();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        body.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        body.fetch(amount);
        return this;
    }
}
