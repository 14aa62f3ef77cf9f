package lb.analysis.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One connection of a run: at most one request in flight on it (HTTP/1.1 keep-alive, no pipelining). The channel is
 * opened on the first request and reopened after the server closed it. Everything runs on the generator's thread.
 *
 * <p>States: idle without a channel, idle with one, connecting (a request waits for it), in flight. A request ends in
 * {@link Run#ended} exactly once: answered, failed to connect, reset, or timed out (the run's sweep calls
 * {@link #timeOut}).
 */
@ChannelHandler.Sharable
final class Slot extends SimpleChannelInboundHandler<HttpObject> {

    private static final String SERVED_BY = "X-Served-By";
    private static final String REQUEST_ID = "X-Request-Id";

    private final Run run;
    private Channel channel;
    /** The request in flight (or waiting for the connection), −1 when idle. */
    private int current = -1;
    private long currentKey;
    private long intendedNanos;
    private int status;
    private String servedBy;
    private boolean keepAlive;

    Slot(Run run) {
        this.run = run;
    }

    boolean busy() {
        return current >= 0;
    }

    long intendedNanos() {
        return intendedNanos;
    }

    /** Sends request {@code index}, due at {@code intended} (run time), opening the connection first if needed. */
    void send(int index, LoadRequest request, long intended) {
        current = index;
        currentKey = request.key();
        intendedNanos = intended;
        status = 0;
        servedBy = null;
        if (channel != null && channel.isActive()) {
            write(request);
            return;
        }
        ChannelFuture connecting = run.bootstrap(this).connect();
        channel = connecting.channel();
        connecting.addListener(future -> {
            if (current != index) {
                return; // timed out while connecting
            }
            if (future.isSuccess()) {
                write(request);
            } else {
                channel = null;
                end(Failure.CONNECT);
            }
        });
    }

    /** Opens the connection ahead of the first request (warm-up); {@code done} runs when it is open or failed. */
    void preconnect(Runnable done) {
        ChannelFuture connecting = run.bootstrap(this).connect();
        channel = connecting.channel();
        connecting.addListener(future -> {
            if (!future.isSuccess()) {
                channel = null;
            }
            done.run();
        });
    }

    /**
     * Writes the request head straight into a pooled buffer: a GET has no body, and skipping the request encoder's
     * header objects is a good part of what a request costs the generator.
     */
    private void write(LoadRequest request) {
        ByteBuf head = channel.alloc().ioBuffer(160);
        head.writeCharSequence("GET ", StandardCharsets.US_ASCII);
        head.writeCharSequence(request.path(), StandardCharsets.US_ASCII);
        head.writeCharSequence(" HTTP/1.1\r\nHost: ", StandardCharsets.US_ASCII);
        head.writeCharSequence(run.hostHeader(), StandardCharsets.US_ASCII);
        if (request.key() >= 0) {
            head.writeCharSequence("\r\n" + REQUEST_ID + ": " + request.key(), StandardCharsets.US_ASCII);
        }
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            head.writeCharSequence("\r\n" + header.getKey() + ": " + header.getValue(), StandardCharsets.US_ASCII);
        }
        head.writeCharSequence("\r\n\r\n", StandardCharsets.US_ASCII);
        channel.writeAndFlush(head, channel.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (current < 0 || ctx.channel() != channel) {
            return; // an answer to a request already timed out
        }
        if (message instanceof HttpResponse response) {
            status = response.status().code();
            servedBy = response.headers().get(SERVED_BY);
            keepAlive = HttpUtil.isKeepAlive(response);
        }
        if (message instanceof LastHttpContent) {
            if (!keepAlive) {
                dropChannel();
            }
            end(status >= 400 ? Failure.STATUS : null);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() == channel) {
            channel = null;
            if (current >= 0) {
                end(Failure.RESET);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // channelInactive reports the request, if one was in flight
    }

    /** The run's sweep found the request older than the timeout: give it up and drop the connection. */
    void timeOut() {
        if (current >= 0) {
            dropChannel();
            end(Failure.TIMEOUT);
        }
    }

    void close() {
        dropChannel();
    }

    private void dropChannel() {
        Channel old = channel;
        channel = null;
        if (old != null) {
            old.close();
        }
    }

    private void end(Failure failure) {
        int index = current;
        current = -1;
        run.ended(this, new Outcome(index, currentKey, status, servedBy, intendedNanos,
                run.now() - intendedNanos, failure));
    }
}
