package io.wharf.registry.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A Reactive Streams publisher of byte buffers (an S3 response body) as a Vert.x {@link ReadStream}
 * with back-pressure: it asks the publisher for a few buffers at a time, and only while the reader
 * wants more, so at most {@link #WINDOW} buffers wait here. Starts paused; everything is delivered
 * on {@code context}. {@link #cancel} gives the connection back when the reader stops early.
 */
final class PublisherReadStream implements ReadStream<Buffer>, Subscriber<ByteBuffer> {

    /** Buffers asked of the publisher and not yet handed to the reader, at most. */
    private static final int WINDOW = 4;

    private final Context context;
    // Touched on the context only:
    private final Queue<Buffer> ready = new ArrayDeque<>();
    private Subscription subscription;
    private long demand;
    private int requested;
    private boolean completed;
    private Throwable failure;
    private boolean finished;
    private boolean cancelled;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    private PublisherReadStream(Context context) {
        this.context = context;
    }

    /** Subscribes to {@code publisher}, asking nothing of it until the stream is resumed. */
    static PublisherReadStream of(Context context, Publisher<ByteBuffer> publisher) {
        PublisherReadStream stream = new PublisherReadStream(context);
        publisher.subscribe(stream);
        return stream;
    }

    /** Stops the publisher (it frees its connection); nothing more is delivered. Safe after the end. */
    void cancel() {
        onContext(() -> {
            cancelled = true;
            ready.clear();
            if (subscription != null && !finished) {
                subscription.cancel();
            }
            finished = true;
        });
    }

    // ------------------------------------------------------- from the publisher

    @Override
    public void onSubscribe(Subscription s) {
        context.runOnContext(ignored -> {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                drain();
            }
        });
    }

    @Override
    public void onNext(ByteBuffer bytes) {
        Buffer buffer = Buffer.buffer(Unpooled.wrappedBuffer(bytes));
        context.runOnContext(ignored -> {
            requested--;
            if (!cancelled) {
                ready.add(buffer);
                drain();
            }
        });
    }

    @Override
    public void onError(Throwable t) {
        context.runOnContext(ignored -> {
            failure = t;
            drain();
        });
    }

    @Override
    public void onComplete() {
        context.runOnContext(ignored -> {
            completed = true;
            drain();
        });
    }

    // ------------------------------------------------------------ to the reader

    private void drain() {
        while (!finished && demand > 0 && !ready.isEmpty()) {
            Buffer next = ready.poll();
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            if (handler != null) {
                handler.handle(next);
            }
        }
        if (finished) {
            return;
        }
        if (failure != null) {
            finished = true;
            ready.clear();
            if (exceptionHandler != null) {
                exceptionHandler.handle(failure);
            }
        } else if (completed && ready.isEmpty()) {
            finished = true;
            if (endHandler != null) {
                endHandler.handle(null);
            }
        } else if (!completed && subscription != null && demand > 0 && requested + ready.size() < WINDOW) {
            int more = WINDOW - requested - ready.size();
            requested += more;
            subscription.request(more);
        }
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        onContext(() -> {
            this.handler = handler;
            drain();
        });
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
        onContext(() -> demand = 0);
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        onContext(() -> {
            demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
            drain();
        });
        return this;
    }

    /** Runs {@code action} now when called on the context (a pause must hold at once), else on it. */
    private void onContext(Runnable action) {
        if (io.vertx.core.Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }
}
