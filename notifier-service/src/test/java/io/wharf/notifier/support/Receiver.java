package io.wharf.notifier.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A real HTTP receiver on 127.0.0.1 and a random port: records every request and answers with
 * the scripted responses in order, then with the default (200).
 */
public final class Receiver implements AutoCloseable {

    /** A request as it arrived. */
    public record Request(Instant at, String path, MultiMap headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** A scripted answer. */
    public record Answer(int status, Map<String, String> headers, String body, Duration delay) {
        public Answer(int status, Map<String, String> headers, String body) {
            this(status, headers, body, Duration.ZERO);
        }

        public static Answer of(int status) {
            return new Answer(status, Map.of(), "");
        }

        /** Answers {@code status}, {@code delay} after the request arrived. */
        public static Answer late(int status, Duration delay) {
            return new Answer(status, Map.of(), "", delay);
        }

        /** Never answers (the connection stays open until the client gives up). */
        public static Answer hang() {
            return new Answer(0, Map.of(), "");
        }
    }

    private static final Vertx VERTX = Vertx.vertx();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer fallback = Answer.of(200);
    private volatile Function<Request, Answer> responder;

    private Receiver() throws Exception {
        server = VERTX.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            Request received = new Request(Instant.now(), request.path(),
                    MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString());
            requests.add(received);
            Function<Request, Answer> responder = this.responder;
            Answer answer = responder != null ? responder.apply(received) : script.poll();
            if (answer == null) {
                answer = fallback;
            }
            if (answer.status() == 0) {
                return;
            }
            Answer given = answer;
            Runnable respond = () -> {
                var response = request.response().setStatusCode(given.status());
                given.headers().forEach(response::putHeader);
                response.end(given.body());
            };
            if (given.delay().isZero()) {
                respond.run();
            } else {
                VERTX.setTimer(given.delay().toMillis(), timer -> respond.run());
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static Receiver start() throws Exception {
        return new Receiver();
    }

    /** Answers these first, in order. */
    public Receiver answer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** Decides every answer with {@code responder} (the script is not used); e.g. a rate limit. */
    public Receiver respond(Function<Request, Answer> responder) {
        this.responder = responder;
        return this;
    }

    /** Answers this once the script is used up. */
    public Receiver otherwise(Answer answer) {
        fallback = answer;
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
