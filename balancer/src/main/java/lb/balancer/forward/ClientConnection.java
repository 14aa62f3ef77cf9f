package lb.balancer.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import lb.balancer.replica.Replica;

/**
 * One client connection: reads and frames requests (HTTP/1.0 and 1.1, keep-alive, pipelined requests one at a time),
 * hands each to the {@link Exchange}, and writes what the exchange produces.
 *
 * <p>Buffers come from the loop's {@link BufferPool} and go back whenever the connection is between requests with
 * nothing to write, so an idle keep-alive connection holds none. A request body that fits one buffer is read whole
 * before forwarding (so it can be retried); a larger one streams (see {@link RequestBody}).
 *
 * <p>Deadlines (one at a time, checked by the loop's sweep):
 * <table>
 *   <caption>client deadlines</caption>
 *   <tr><th>state</th><th>deadline</th><th>on expiry</th></tr>
 *   <tr><td>{@link State#IDLE}</td><td>idle timeout since the last response</td><td>close</td></tr>
 *   <tr><td>{@link State#READ_HEAD}</td><td>head timeout since the head's first byte, never extended</td>
 *       <td>408, close</td></tr>
 *   <tr><td>{@link State#READ_BODY}, streaming</td><td>body timeout, extended by 1/minBodyRate s per byte read but
 *       never beyond body timeout from now</td><td>408 (or close once forwarding began)</td></tr>
 *   <tr><td>{@link State#FORWARD}</td><td>the exchange's</td><td>see {@link Exchange}</td></tr>
 * </table>
 * Loop-confined.
 */
final class ClientConnection implements EventLoop.Handler {

    enum State { IDLE, READ_HEAD, READ_BODY, FORWARD, CLOSED }

    private static final byte[] CONTINUE = Ascii.bytes("HTTP/1.1 100 Continue\r\n\r\n");

    final EventLoop loop;
    final RequestHead req = new RequestHead();
    final RequestBody body = new RequestBody();
    final byte[] clientIp;
    /** Whether the connection stays open after the current response; the exchange may lower it. */
    boolean keepAlive;
    /** Index in the loop's client list. */
    int slot;
    /** Request bytes, heap so heads are parsed straight from the array; write mode; null while idle. */
    ByteBuffer in;
    /** Bytes for the client, direct; write mode; null when nothing is pending. */
    private ByteBuffer out;

    private final SocketChannel ch;
    private final SelectionKey key;
    /** Created on the first request. */
    private Exchange exchange;
    private State state = State.IDLE;
    private int interest;
    private boolean eof;
    private boolean awaitingFlush;
    private boolean processing;
    /** A streamed piece is with the upstream: reading stops until it is sent (backpressure). */
    private boolean pieceInFlight;
    private long deadline;
    private byte[] lastPathBytes = new byte[0];
    private String lastPath = "";

    ClientConnection(EventLoop loop, SocketChannel ch, int slot) throws IOException {
        this.loop = loop;
        this.ch = ch;
        this.slot = slot;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
        this.clientIp = Ascii.bytes(remote.getAddress().getHostAddress());
        this.deadline = loop.now + loop.config.idleTimeoutNanos();
        req.reset();
        interest = SelectionKey.OP_READ;
        key = ch.register(loop.selector, interest, this);
    }

    @Override
    public void onReady(int ops) {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            if (!flush()) return;
            if (awaitingFlush) {
                finishRequest();
            } else if (state == State.FORWARD && exchange != null) {
                exchange.clientDrained();
            }
        }
        if ((ops & SelectionKey.OP_READ) != 0 && state != State.CLOSED) readable();
    }

    private void readable() {
        if (in == null) in = loop.buffers.heap();
        if (!in.hasRemaining()) {
            // Pipelined bytes filled the buffer while forwarding, or a streamed piece is in flight: wait.
            setInterest(interest & ~SelectionKey.OP_READ);
            return;
        }
        int n;
        try {
            n = loop.read(ch, in);
        } catch (IOException e) {
            close();
            return;
        }
        if (n < 0) {
            eof = true;
            if (state == State.FORWARD && body.complete) {
                // A half-close after the request is legal: answer it, then close.
                setInterest(interest & ~SelectionKey.OP_READ);
            } else {
                close();
            }
            return;
        }
        if (n == 0) {
            releaseInIfEmpty();
            return;
        }
        switch (state) {
            case IDLE -> {
                state = State.READ_HEAD;
                deadline = loop.now + loop.config.headTimeoutNanos();
                process();
            }
            case READ_HEAD -> process();
            case READ_BODY -> {
                creditBody(n);
                process();
            }
            case FORWARD -> {
                if (body.streamed && !body.complete) {
                    creditBody(n);
                    streamMore();
                }
            }
            default -> { }
        }
    }

    /** Frames requests from {@link #in} and starts them, one at a time, until more bytes are needed. */
    private void process() {
        processing = true;
        try {
            if (state == State.READ_HEAD && !readHead()) return;
            if (state == State.READ_BODY) readBody();
        } finally {
            processing = false;
        }
    }

    private boolean readHead() {
        byte[] b = in.array();
        int limit = in.position();
        int skip = 0;
        // RFC 9112 §2.2: ignore empty lines (CRLF) before a request line (some clients send CRLF after a body).
        while (skip < limit && (b[skip] == '\r' || b[skip] == '\n')) skip++;
        if (skip > 0) {
            System.arraycopy(b, skip, b, 0, limit - skip);
            in.position(limit - skip);
            limit -= skip;
        }
        if (limit == 0) return false;
        int r = req.parse(b, 0, limit);
        if (r == HttpHead.INCOMPLETE) return false;
        if (r != HttpHead.OK) {
            reject(r == HttpHead.TOO_LARGE ? 431 : r == HttpHead.UNSUPPORTED ? 501 : 400,
                    r == HttpHead.TOO_LARGE ? ErrorReplies.HEADERS_TOO_LARGE
                            : r == HttpHead.UNSUPPORTED ? ErrorReplies.UNSUPPORTED_CODING : ErrorReplies.MALFORMED);
            return false;
        }
        req.afterParse();
        keepAlive = req.keepAlive() && !loop.draining;
        if (!req.chunked && req.contentLength > loop.config.maxRequestBody()) {
            reject(413, ErrorReplies.BODY_TOO_LARGE);
            return false;
        }
        body.begin(req, req.headEnd, loop.config.maxRequestBody());
        if (req.expectContinue && !req.http10 && req.hasBody() && in.position() == req.headEnd) {
            put(CONTINUE);
            flush();
            if (state == State.CLOSED) return false;
        }
        state = State.READ_BODY;
        deadline = loop.now + loop.config.bodyTimeoutNanos();
        return true;
    }

    /**
     * Reads a body that fits the buffer whole; one that does not starts streaming once the buffer is full. Until then
     * no replica is picked and no upstream connection is used: a client that declares a large body and sends little
     * of it holds one buffer and its body deadline, nothing more.
     */
    private void readBody() {
        if (!absorbBody()) return;
        if (body.complete) startForwarding(false);
        else if (!in.hasRemaining()) startForwarding(true);
    }

    private boolean absorbBody() {
        RequestBody.Progress p = body.absorb(in);
        if (p == RequestBody.Progress.MORE) return true;
        if (state == State.FORWARD) {
            // Part of the body is already with the replica: the framing is broken, nothing can be answered safely.
            close();
        } else {
            reject(p == RequestBody.Progress.TOO_LARGE ? 413 : 400,
                    p == RequestBody.Progress.TOO_LARGE ? ErrorReplies.BODY_TOO_LARGE : ErrorReplies.MALFORMED);
        }
        return false;
    }

    private void startForwarding(boolean streamed) {
        if (streamed) {
            body.streamed = true;
            pieceInFlight = true; // the first piece goes with the head
            setInterest(interest & ~SelectionKey.OP_READ);
        }
        state = State.FORWARD;
        if (exchange == null) exchange = new Exchange(this, loop);
        exchange.begin(path());
    }

    /** Streaming: more body bytes arrived. */
    private void streamMore() {
        if (pieceInFlight || !absorbBody() || !body.pieceReady()) return;
        pieceInFlight = true;
        setInterest(interest & ~SelectionKey.OP_READ);
        exchange.bodyPiece();
    }

    /** The exchange sent the current piece on: the buffer is free again (the head too, once it went with it). */
    void pieceSent() {
        pieceInFlight = false;
        body.pieceSent(in, 0);
        if (body.complete || state != State.FORWARD) return;
        deadline = loop.now + loop.config.bodyTimeoutNanos();
        setInterest(interest | SelectionKey.OP_READ);
        if (in.position() > 0) streamMore();
    }

    /** Each body byte buys time at the minimum rate, never more than the body timeout ahead. */
    private void creditBody(int n) {
        long credit = n * 1_000_000_000L / Math.max(1, loop.config.minBodyRate());
        deadline = Math.min(loop.now + loop.config.bodyTimeoutNanos(), Math.max(deadline, loop.now) + credit);
    }

    /**
     * The request path as a String, read while the head is still in the buffer (a streamed body reuses the buffer),
     * reusing the previous one when the bytes repeat (clients hit few paths).
     */
    String path() {
        if (req.asterisk) return "*";
        int len = req.pathLength();
        if (len == 0) return "/";
        byte[] b = in.array();
        if (!Arrays.equals(b, req.pathStart, req.pathEnd, lastPathBytes, 0, lastPathBytes.length)) {
            lastPathBytes = Arrays.copyOfRange(b, req.pathStart, req.pathEnd);
            lastPath = new String(lastPathBytes, StandardCharsets.ISO_8859_1);
        }
        return lastPath;
    }

    /** The buffer responses are written into; taken from the pool on first use. */
    ByteBuffer out() {
        if (out == null) out = loop.buffers.direct();
        return out;
    }

    private void put(byte[] bytes) {
        out().put(bytes);
    }

    void writeError(int status, String message) {
        writeError(status, message, null);
    }

    /** An error answer with the request's decision trace header ({@code trace} null when it was not traced). */
    void writeError(int status, String message, String trace) {
        ErrorReplies.write(out(), status, message, keepAlive, req.http10, trace);
    }

    /** Answers a request that cannot be framed or accepted, then closes (its remaining bytes cannot be trusted). */
    private void reject(int status, String message) {
        keepAlive = false;
        state = State.FORWARD;
        if (out != null) out.clear();
        writeError(status, message);
        exchangeDone();
    }

    /** The exchange has produced its whole response into {@link #out}. */
    void exchangeDone() {
        // A body not read to its end leaves the connection's framing in doubt: it cannot carry another request.
        if (!body.complete) keepAlive = false;
        awaitingFlush = true;
        if (flush()) finishRequest();
    }

    private void finishRequest() {
        awaitingFlush = false;
        if (!keepAlive || eof || loop.draining) {
            close();
            return;
        }
        int requestEnd = body.requestEnd;
        int leftover = in.position() - requestEnd;
        byte[] b = in.array();
        System.arraycopy(b, requestEnd, b, 0, leftover);
        in.position(leftover);
        req.reset();
        body.framing = RequestBody.Framing.NONE;
        body.complete = true;
        pieceInFlight = false;
        state = State.IDLE;
        deadline = loop.now + loop.config.idleTimeoutNanos();
        setInterest(interest | SelectionKey.OP_READ);
        if (leftover > 0) {
            state = State.READ_HEAD;
            deadline = loop.now + loop.config.headTimeoutNanos();
            if (!processing) process();
        } else {
            releaseInIfEmpty();
        }
    }

    private void releaseInIfEmpty() {
        if (state == State.IDLE && in != null && in.position() == 0) {
            loop.buffers.release(in);
            in = null;
        }
    }

    /** Writes what {@link #out} holds; false when bytes remain (OP_WRITE is then armed) or the client is gone. */
    boolean flush() {
        if (out == null || out.position() == 0) return state != State.CLOSED;
        out.flip();
        try {
            ch.write(out);
        } catch (IOException e) {
            out.clear();
            close();
            return false;
        }
        boolean empty = !out.hasRemaining();
        if (empty) out.clear();
        else out.compact();
        setInterest(empty ? interest & ~SelectionKey.OP_WRITE : interest | SelectionKey.OP_WRITE);
        if (empty) {
            loop.buffers.release(out);
            out = null;
        } else {
            deadline = loop.now + loop.config.idleTimeoutNanos();
        }
        return empty;
    }

    /** Free space in the output buffer (a whole buffer when none is held). */
    int outRoom() {
        return out == null ? BufferPool.SIZE : out.remaining();
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    State state() {
        return state;
    }

    /** See {@link Exchange#replicaLeft}. */
    void replicaLeft(Replica gone) {
        if (state == State.FORWARD && !awaitingFlush && exchange != null) exchange.replicaLeft(gone);
    }

    void checkTimeout(long now) {
        boolean waitingForBody = state == State.FORWARD && body.streamed && !body.complete && !pieceInFlight;
        if (state == State.FORWARD && !awaitingFlush && !waitingForBody) {
            if (exchange != null) exchange.checkTimeout(now);
        } else if (now - deadline > 0) {
            timedOut();
        }
    }

    private void timedOut() {
        if (state == State.READ_HEAD || state == State.READ_BODY) {
            loop.counters.timedOut(state);
            reject(408, state == State.READ_HEAD ? ErrorReplies.HEAD_TIMEOUT : ErrorReplies.BODY_TIMEOUT);
        } else {
            if (state == State.FORWARD && !awaitingFlush) loop.counters.timedOut(State.READ_BODY);
            close();
        }
    }

    /** During shutdown: close if no request is in progress. */
    void closeIfIdle() {
        if (state == State.IDLE && (in == null || in.position() == 0) && out == null) close();
    }

    void close() {
        if (state == State.CLOSED) return;
        boolean wasForwarding = state == State.FORWARD;
        state = State.CLOSED;
        try {
            if (wasForwarding && exchange != null) exchange.abort();
        } finally {
            key.cancel();
            EventLoop.closeQuietly(ch);
            loop.removeClient(this);
            loop.buffers.release(in);
            loop.buffers.release(out);
            in = null;
            out = null;
        }
    }

    @Override
    public void fail(Throwable cause) {
        close();
    }

    private void setInterest(int ops) {
        if (ops != interest && state != State.CLOSED) {
            interest = ops;
            key.interestOps(ops);
        }
    }
}
