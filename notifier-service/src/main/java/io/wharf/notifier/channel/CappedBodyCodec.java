package io.wharf.notifier.channel;

import java.nio.charset.StandardCharsets;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/** Reads an answer's body keeping only its first {@code cap} bytes, so a huge answer costs no memory. */
final class CappedBodyCodec implements BodyCodec<String> {

    private final int cap;

    CappedBodyCodec(int cap) {
        this.cap = cap;
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<String>>> handler) {
        handler.handle(Future.succeededFuture(new Capped()));
    }

    private final class Capped implements BodyStream<String> {
        private final Buffer kept = Buffer.buffer();
        private final Promise<String> result = Promise.promise();

        @Override
        public Future<String> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            int room = cap - kept.length();
            if (room > 0) {
                kept.appendBuffer(data, 0, Math.min(room, data.length()));
            }
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        @Override
        public Future<Void> end() {
            result.tryComplete(new String(kept.getBytes(), StandardCharsets.UTF_8));
            return Future.succeededFuture();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            end().onComplete(handler);
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
