package io.wharf.registry.api.fastpath;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Hands the bodies of blob uploads to the registry straight from Netty, without Vert.x's copy.
 *
 * <p>Vert.x copies every network buffer of a request body into a fresh heap array before the
 * application sees it (so that pooled memory never leaks into user code). For an upload every
 * byte is then hashed and copied once more into the aligned buffer that is written to disk: the
 * heap copy, its allocation and its garbage are pure overhead. This handler sits in the
 * connection's pipeline just before Vert.x's own; when a request head is an upload with a body
 * ({@code POST}, {@code PATCH} or {@code PUT} under {@code /blobs/uploads/}), it keeps that
 * request's content for a {@link TappedBody}, which hands the pooled buffers to the endpoint and
 * releases them after each handler call. Vert.x sees the same request with an empty body, which
 * ends when the real one does.
 *
 * <p>The handler is added to a connection by its first registry request ({@link #claim}); that
 * request's body, and any request the handler did not see the head of, goes through Vert.x as
 * usual. A tapped request is matched to its body by a serial number the handler puts in an
 * internal header (any such header a client sends is removed), so pipelined requests cannot
 * mix bodies up. HTTP/2 bodies are never tapped.
 */
final class BodyTap extends ChannelInboundHandlerAdapter {

    /** Internal request header carrying the serial of a tapped body. */
    static final String HEADER = "x-wharf-tapped-body";

    private static final String NAME = "wharf-body-tap";

    /** Bytes handed to endpoints by tapped bodies since the process started. */
    static final LongAdder TAPPED_BYTES = new LongAdder();

    /**
     * This connection's tapped bodies by serial, from their request's head until they have been
     * read to their end or failed: an endpoint claims one from here, and whatever is left here when
     * the connection ends is released.
     */
    private final Map<String, TappedBody> open = new HashMap<>();
    /** The body whose content is arriving now, if it is tapped. */
    private TappedBody receiving;
    private long serial;

    private BodyTap() {
    }

    /** How many body bytes reached endpoints through taps (not through Vert.x) in this process. */
    static long tappedBytes() {
        return TAPPED_BYTES.sum();
    }

    /**
     * The tapped body of {@code request}, paused, or {@code null} when its body goes through Vert.x.
     * Must be called on the request's event loop, before anything reads the body. Installs the
     * handler on the request's connection if it is not there yet.
     */
    static TappedBody claim(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelHandlerContext vertx = connection.channelHandlerContext();
        ChannelPipeline pipeline = vertx.pipeline();
        BodyTap tap = pipeline.get(BodyTap.class);
        if (tap == null) {
            pipeline.addBefore(vertx.name(), NAME, new BodyTap());
            return null;
        }
        String serial = request.getHeader(HEADER);
        TappedBody body = serial == null ? null : tap.open.get(serial);
        return body == null ? null : body.claimedOn(Vertx.currentContext());
    }

    /** An upload request that may carry a body, judged on its head alone. */
    static boolean tapped(HttpRequest head) {
        HttpMethod method = head.method();
        if (method != HttpMethod.PATCH && method != HttpMethod.PUT && method != HttpMethod.POST) {
            return false;
        }
        String uri = head.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return path.startsWith("/v2/") && (path.contains("/blobs/uploads/") || path.endsWith("/blobs/uploads"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head) {
            head.headers().remove(HEADER);
            if (tapped(head) && !(msg instanceof HttpContent) && head.decoderResult().isSuccess()) {
                String id = Long.toString(++serial);
                open.values().removeIf(TappedBody::finished);
                receiving = new TappedBody(ctx.channel());
                open.put(id, receiving);
                head.headers().set(HEADER, id);
            } else {
                receiving = null;
            }
            ctx.fireChannelRead(msg);
            return;
        }
        TappedBody body = receiving;
        if (body == null || !(msg instanceof HttpContent content)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!content.decoderResult().isSuccess()) {
            // A malformed body: Vert.x answers it and closes the connection.
            receiving = null;
            body.fail(new VertxException("malformed request body", content.decoderResult().cause()));
            ctx.fireChannelRead(msg);
            return;
        }
        body.offer(content.content());
        if (content instanceof LastHttpContent) {
            receiving = null;
            body.end();
            ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed(new VertxException("Connection was closed", true));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        closed(cause);
        super.exceptionCaught(ctx, cause);
    }

    private void closed(Throwable cause) {
        receiving = null;
        open.values().forEach(body -> body.connectionEnded(cause));
        open.clear();
    }
}
