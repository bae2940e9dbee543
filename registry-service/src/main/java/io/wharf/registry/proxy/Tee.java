package io.wharf.registry.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;

/**
 * An upstream blob's bytes as they arrive, read by the blob store and copied to the client: the
 * source is paused while either side cannot take more. The last buffer is held back from the client
 * until {@link #finish} (after the store verified the digest): a client never receives all of a
 * blob whose digest is wrong, it is cut off instead ({@link #abort}). A client that goes away stops
 * receiving, and the store still gets every byte.
 */
final class Tee implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final HttpServerResponse client;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private Buffer held;
    private boolean readerPaused = true;
    private boolean clientFull;
    private boolean clientGone;

    Tee(ReadStream<Buffer> source, HttpServerResponse client) {
        this.source = source;
        this.client = client;
        source.handler(this::data);
        source.endHandler(v -> {
            if (endHandler != null) {
                endHandler.handle(null);
            }
        });
        source.exceptionHandler(e -> {
            if (exceptionHandler != null) {
                exceptionHandler.handle(e);
            }
        });
        client.drainHandler(v -> {
            clientFull = false;
            flow();
        });
        client.closeHandler(v -> {
            clientGone = true;
            clientFull = false;
            flow();
        });
    }

    private void data(Buffer buffer) {
        toClient(held);
        held = buffer;
        if (handler != null) {
            handler.handle(buffer);
        }
    }

    private void toClient(Buffer buffer) {
        if (buffer == null || clientGone || client.closed() || client.ended()) {
            return;
        }
        client.write(buffer);
        if (client.writeQueueFull()) {
            clientFull = true;
            flow();
        }
    }

    private void flow() {
        if (readerPaused || clientFull) {
            source.pause();
        } else {
            source.resume();
        }
    }

    /** Sends what was held back and ends the client's answer: the store has the blob, verified. */
    void finish() {
        toClient(held);
        held = null;
        if (!clientGone && !client.closed() && !client.ended()) {
            client.end();
        }
    }

    /**
     * Lets what is left of the source drain, unread, and when {@code cut} resets the client's answer
     * (begun: it must not look complete).
     */
    void abort(boolean cut) {
        held = null;
        readerPaused = false;
        clientFull = false;
        try {
            source.handler(b -> { });
            source.resume();
        } catch (IllegalStateException ended) {
            // The upstream's answer ended already (a small blob arrives whole before it is found wrong): nothing to drain.
        }
        if (cut && !client.closed() && !client.ended()) {
            client.reset();
        }
    }

    /** True once bytes (or the status line) went to the client: an error can no longer be answered. */
    boolean started() {
        return client.headWritten();
    }

    @Override
    public Tee exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public Tee handler(Handler<Buffer> handler) {
        this.handler = handler;
        return this;
    }

    @Override
    public Tee pause() {
        readerPaused = true;
        flow();
        return this;
    }

    @Override
    public Tee resume() {
        readerPaused = false;
        flow();
        return this;
    }

    @Override
    public Tee fetch(long amount) {
        return resume();
    }

    @Override
    public Tee endHandler(Handler<Void> endHandler) {
        this.endHandler = endHandler;
        return this;
    }
}
