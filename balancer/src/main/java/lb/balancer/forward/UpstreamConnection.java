package lb.balancer.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking keep-alive connection to an upstream. It moves bytes and reports events to the {@link Exchange}
 * that leases it; all HTTP decisions are the exchange's. Idle (no owner) it only watches for the peer closing.
 *
 * <p>Loop-confined.
 */
final class UpstreamConnection implements EventLoop.Handler {

    static final int BUFFER_SIZE = 32 * 1024;

    final UpstreamPool pool;
    /** The request head (and a small body) to send; write mode while the exchange fills it. */
    final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_SIZE);
    /** Response bytes; heap so heads are parsed straight from the array. Write mode. */
    final ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE);
    /** A body too large for {@link #out}, sent from the client's buffer without copying. */
    ByteBuffer body;
    Exchange owner;
    boolean connected;
    /** Whether this connection already carried a request: then a failure before any response may just be staleness. */
    boolean reused;
    long idleSince;

    private final SocketChannel ch;
    private final SelectionKey key;
    private final ByteBuffer[] gather = new ByteBuffer[2];
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

    /** Starts sending {@link #out} (flipped here) and {@link #body}; completion is reported as {@code requestSent}. */
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
            if (body == null) {
                ch.write(out);
                done = !out.hasRemaining();
            } else {
                gather[0] = out;
                gather[1] = body;
                ch.write(gather);
                done = !body.hasRemaining();
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
        gather[1] = null;
        setInterest(interest & ~SelectionKey.OP_WRITE);
        owner.requestSent();
    }

    private void read() {
        int n;
        try {
            n = ch.read(in);
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

    /** Prepares for a new exchange after being idle in the pool. */
    void lease(Exchange exchange) {
        owner = exchange;
        in.clear();
        out.clear();
        body = null;
        writing = false;
        if (connected) setReading(true);
    }

    /** Closes the socket; true the first time only. Use {@link UpstreamPool#close} so the pool's count stays right. */
    boolean closeChannel() {
        if (closed) return false;
        closed = true;
        owner = null;
        key.cancel();
        EventLoop.closeQuietly(ch);
        return true;
    }

    @Override
    public void fail(Throwable cause) {
        Exchange o = owner;
        if (o != null) o.upstreamFailed(cause);
        else pool.close(this);
    }
}
