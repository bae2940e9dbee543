package io.wharf.registry.api.fastpath;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.streams.ReadStream;

/**
 * One request body taken from the connection by {@link BodyTap}: the network buffers as Netty
 * decoded them, in order, with back-pressure on the connection.
 *
 * <p>It starts paused; data arrives only after {@link #resume()} (or {@link #fetch}). Each
 * {@link Buffer} given to the handler wraps pooled memory that is released as soon as the handler
 * returns: a handler must copy what it keeps. Resumed without a handler, the body is read and
 * dropped. At most about {@link #HIGH_WATER} bytes wait here; beyond that the connection stops
 * reading until the handler catches up.
 *
 * <p>Everything runs on the connection's event loop; handlers run on the context that
 * {@linkplain #claimedOn claimed} the body.
 */
final class TappedBody implements ReadStream<Buffer> {

    static final int HIGH_WATER = 512 * 1024;

    private final Channel channel;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private ContextInternal context;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private long queued;
    private long demand;
    private boolean ended;
    private boolean endDelivered;
    private boolean delivering;
    private boolean stoppedReading;
    private Throwable failure;

    TappedBody(Channel channel) {
        this.channel = channel;
    }

    /** Binds the body to {@code context}: its handlers run there. */
    TappedBody claimedOn(Context context) {
        this.context = (ContextInternal) context;
        return this;
    }

    /** Takes ownership of {@code buf}: one more piece of the body. */
    void offer(ByteBuf buf) {
        if (failure != null || endDelivered || !buf.isReadable()) {
            buf.release();
            return;
        }
        queue.add(buf);
        queued += buf.readableBytes();
        if (queued >= HIGH_WATER && !stoppedReading) {
            stoppedReading = true;
            channel.config().setAutoRead(false);
        }
        deliver();
    }

    /** The body's last piece has been offered. */
    void end() {
        ended = true;
        deliver();
    }

    /** Delivered to its end, or failed: it holds no buffer any more. */
    boolean finished() {
        return endDelivered || failure != null;
    }

    /**
     * The connection has ended. A body that had not all arrived fails; one that had, and that a
     * handler is reading, is still read to its end; one that nobody reads drops what it holds.
     */
    void connectionEnded(Throwable cause) {
        if (!ended || handler == null) {
            fail(cause);
        }
    }

    /** The connection failed before the body ended: drops what it holds. */
    void fail(Throwable cause) {
        if (failure != null || endDelivered) {
            return;
        }
        failure = cause;
        releaseQueue();
        Handler<Throwable> h = exceptionHandler;
        if (h != null && context != null) {
            context.dispatch(cause, h);
        }
    }

    @Override
    public TappedBody handler(Handler<Buffer> handler) {
        this.handler = handler;
        return this;
    }

    @Override
    public TappedBody endHandler(Handler<Void> endHandler) {
        this.endHandler = endHandler;
        return this;
    }

    @Override
    public TappedBody exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        if (handler != null && failure != null && context != null) {
            context.dispatch(failure, handler);
        }
        return this;
    }

    @Override
    public TappedBody pause() {
        demand = 0;
        return this;
    }

    @Override
    public TappedBody resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public TappedBody fetch(long amount) {
        if (amount > 0) {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            if (channel.eventLoop().inEventLoop()) {
                deliver();
            } else {
                channel.eventLoop().execute(this::deliver);
            }
        }
        return this;
    }

    private void deliver() {
        if (delivering || context == null) {
            return; // re-entered from a handler, or not claimed yet: the outer call (or the claim) goes on
        }
        delivering = true;
        try {
            while (demand > 0 && !queue.isEmpty() && failure == null) {
                ByteBuf buf = queue.poll();
                queued -= buf.readableBytes();
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                Handler<Buffer> h = handler;
                try {
                    if (h != null) {
                        BodyTap.TAPPED_BYTES.add(buf.readableBytes());
                        context.dispatch(Buffer.buffer(buf), h);
                    }
                } finally {
                    buf.release();
                }
            }
            if (queued < HIGH_WATER / 2) {
                readAgain();
            }
            if (ended && queue.isEmpty() && failure == null && demand > 0 && !endDelivered) {
                endDelivered = true;
                Handler<Void> h = endHandler;
                if (h != null) {
                    context.dispatch(null, h);
                }
            }
        } finally {
            delivering = false;
        }
    }

    private void releaseQueue() {
        for (ByteBuf buf; (buf = queue.poll()) != null; ) {
            buf.release();
        }
        queued = 0;
        readAgain();
    }

    /** Lets the connection read again if this body stopped it. */
    private void readAgain() {
        if (stoppedReading) {
            stoppedReading = false;
            channel.config().setAutoRead(true);
        }
    }
}
