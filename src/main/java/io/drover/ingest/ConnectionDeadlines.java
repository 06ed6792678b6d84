package io.drover.ingest;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The time an HTTP/1.x connection of the ingestion port may take at each step, as a reverse proxy would give it: its
 * request's headers within {@code header} of their first byte (or of the connection's opening), its body within
 * {@code body} of the headers' end, and between requests it may stay idle for {@code keepAlive}. Past a deadline the
 * connection is closed, so that slow clients (slowloris) and idle ones cannot hold the port's connections. While Drover
 * itself works on a request (the body is read, the answer not yet written) no deadline runs: that time is bounded by
 * the buffer's own timeouts.
 * <p>
 * Two Netty handlers per connection share this state, on the connection's event loop: one first in the pipeline
 * sees the raw bytes (the first byte of a request's headers), one just before Vert.x's handler sees the decoded
 * request parts and the answer's last part. Vert.x offers no header-read timeout of its own, hence Netty.
 */
final class ConnectionDeadlines {

    /** Why a connection was closed by Drover, as counted. */
    enum Reason {
        HEADER_TIMEOUT, BODY_TIMEOUT, KEEP_ALIVE_TIMEOUT
    }

    /** The deadlines, and what is told when one closes a connection. */
    record Limits(Duration header, Duration body, Duration keepAlive) {
    }

    interface Closed {
        void closed(Reason reason);
    }

    private final Limits limits;
    private final Closed closed;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private Reason armed;
    /** Inside a request's headers: bytes came since the last request ended, its headers have not been decoded. */
    private boolean inHeaders;
    private boolean inBody;
    /** Requests whose answer has not been written to its end (more than one when a client pipelines). */
    private int answersPending;

    private ConnectionDeadlines(Limits limits, Closed closed) {
        this.limits = limits;
        this.closed = closed;
    }

    /** Installs the deadlines on a Vert.x HTTP/1.x connection's pipeline; called on its event loop. */
    static void install(ChannelPipeline pipeline, Limits limits, Closed closed) {
        ConnectionDeadlines deadlines = new ConnectionDeadlines(limits, closed);
        pipeline.addFirst("drover-bytes", deadlines.new Bytes());
        pipeline.addBefore("handler", "drover-deadlines", deadlines.new Messages());
    }

    /** First in the pipeline: a byte after a request ended starts the next request's headers. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
            // A new connection is expected to send its request: it gets the header deadline, not the idle one.
            arm(Reason.HEADER_TIMEOUT);
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (!inHeaders && !inBody && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                inHeaders = true;
                arm(Reason.HEADER_TIMEOUT);
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            cancel();
            context.fireChannelInactive();
        }
    }

    /** Before Vert.x's handler: decoded requests in, answers out. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof HttpRequest) {
                inHeaders = false;
                inBody = true;
                answersPending++;
            }
            if (msg instanceof LastHttpContent) {
                inBody = false;
            }
            update();
            context.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent && answersPending > 0) {
                answersPending--;
                update();
            }
            context.write(msg, promise);
        }
    }

    private void update() {
        if (inHeaders) {
            arm(Reason.HEADER_TIMEOUT);
        } else if (inBody) {
            arm(Reason.BODY_TIMEOUT);
        } else if (answersPending > 0) {
            cancel();
        } else {
            arm(Reason.KEEP_ALIVE_TIMEOUT);
        }
    }

    /** Starts the deadline of a step, unless it already runs (more bytes of the same headers do not extend it). */
    private void arm(Reason reason) {
        if (armed == reason) {
            return;
        }
        cancel();
        armed = reason;
        Duration after = switch (reason) {
            case HEADER_TIMEOUT -> limits.header();
            case BODY_TIMEOUT -> limits.body();
            case KEEP_ALIVE_TIMEOUT -> limits.keepAlive();
        };
        timer = ctx.executor().schedule(() -> expire(reason), after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        armed = null;
    }

    private void expire(Reason reason) {
        if (armed != reason || !ctx.channel().isActive()) {
            return;
        }
        armed = null;
        closed.closed(reason);
        ctx.channel().close();
    }
}
