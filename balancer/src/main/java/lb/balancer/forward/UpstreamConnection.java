package lb.balancer.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking keep-alive connection to an upstream. It moves bytes and reports events to the {@link Attempt}
 * that leases it; all HTTP decisions are the attempt's. Idle (no owner) it holds no buffers and only watches for the
 * peer closing.
 *
 * <p>Loop-confined.
 */
final class UpstreamConnection implements EventLoop.Handler {

    final UpstreamPool pool;
    /** The request head (and a small body) to send, direct; write mode while the attempt fills it. Null when idle. */
    ByteBuffer out;
    /** Response bytes, heap so heads are parsed straight from the array; write mode. Null when idle. */
    ByteBuffer in;
    /** Body bytes sent from the client's buffer without copying, after {@link #out}. */
    ByteBuffer body;
    /** A few framing bytes after {@link #body} (re-chunking a streamed body). */
    ByteBuffer suffix;
    Attempt owner;
    boolean connected;
    /** Whether this connection already carried a request: then a failure before any response may just be staleness. */
    boolean reused;
    long idleSince;

    private final SocketChannel ch;
    private final SelectionKey key;
    private final ByteBuffer[] gather = new ByteBuffer[3];
    private boolean writing;
    private boolean closed;
    private int interest;

    UpstreamConnection(UpstreamPool pool, InetSocketAddress address) throws IOException {
        this.pool = pool;
        this.ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connected = ch.connect(address);
            interest = connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT;
            key = ch.register(pool.loop.selector, interest, this);
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(ch);
            throw e;
        }
    }

    /** Starts sending {@link #out} (flipped here), {@link #body} and {@link #suffix}; completion is {@code requestSent}. */
    void send() {
        out.flip();
        writing = true;
        if (connected) flush();
    }

    @Override
    public void onReady(int ops) {
        if (owner == null) {
            idleReadable();
            return;
        }
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            try {
                ch.finishConnect();
            } catch (IOException e) {
                pool.connectFailed();
                owner.upstreamFailed(e);
                return;
            }
            connected = true;
            setInterest(SelectionKey.OP_READ);
            owner.connected();
            if (writing) flush();
            return;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0 && writing) {
            flush();
            if (owner == null || closed) return;
        }
        if ((ops & SelectionKey.OP_READ) != 0 && (interest & SelectionKey.OP_READ) != 0) {
            read();
        }
    }

    private void flush() {
        try {
            boolean done;
            if (body == null && suffix == null) {
                ch.write(out);
                done = !out.hasRemaining();
            } else {
                int n = 0;
                gather[n++] = out;
                if (body != null) gather[n++] = body;
                if (suffix != null) gather[n++] = suffix;
                ch.write(gather, 0, n);
                done = !out.hasRemaining() && (body == null || !body.hasRemaining())
                        && (suffix == null || !suffix.hasRemaining());
            }
            if (!done) {
                setInterest(interest | SelectionKey.OP_WRITE);
                return;
            }
        } catch (IOException e) {
            owner.upstreamFailed(e);
            return;
        }
        writing = false;
        out.clear();
        body = null;
        suffix = null;
        gather[1] = gather[2] = null;
        setInterest(interest & ~SelectionKey.OP_WRITE);
        owner.requestSent();
    }

    private void read() {
        int n;
        try {
            n = pool.loop.read(ch, in);
        } catch (IOException e) {
            owner.upstreamFailed(e);
            return;
        }
        if (n < 0) owner.upstreamEof();
        else if (n > 0) owner.upstreamData(n);
    }

    /** An idle connection became readable: the replica closed it (or sent garbage). Either way it is done. */
    private void idleReadable() {
        pool.close(this);
    }

    /** Stops or resumes reading, for backpressure from a slow client. */
    void setReading(boolean on) {
        setInterest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
    }

    private void setInterest(int ops) {
        if (ops != interest && !closed) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    /** Prepares for an attempt: takes buffers from the loop's pool. */
    void lease(Attempt attempt) {
        owner = attempt;
        if (in == null) in = pool.loop.buffers.heap();
        if (out == null) out = pool.loop.buffers.direct();
        body = null;
        suffix = null;
        writing = false;
        if (connected) setReading(true);
    }

    /** Going idle in the pool: the buffers go back. */
    void releaseBuffers() {
        owner = null;
        body = null;
        suffix = null;
        pool.loop.buffers.release(in);
        pool.loop.buffers.release(out);
        in = out = null;
    }

    /** Closes the socket; true the first time only. Use {@link UpstreamPool#close} so the pool's count stays right. */
    boolean closeChannel() {
        if (closed) return false;
        closed = true;
        key.cancel();
        EventLoop.closeQuietly(ch);
        releaseBuffers();
        return true;
    }

    @Override
    public void fail(Throwable cause) {
        Attempt o = owner;
        if (o != null) o.upstreamFailed(cause);
        else pool.close(this);
    }
}
