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
 * hands each complete request to its {@link Exchange}, and writes what the exchange produces.
 *
 * <p>Request bodies are buffered whole (up to the configured limit) before forwarding, as nginx does by default: a
 * buffered request can be retried on another replica, and a chunked body is de-chunked so replicas always get a
 * Content-Length. Loop-confined.
 */
final class ClientConnection implements EventLoop.Handler {

    static final int IN_SIZE = 32 * 1024;
    static final int OUT_SIZE = 32 * 1024;
    private static final int READ_HEAD = 0, READ_BODY = 1, FORWARD = 2, CLOSED = 3;
    private static final byte[] CONTINUE = Ascii.bytes("HTTP/1.1 100 Continue\r\n\r\n");

    final EventLoop loop;
    final RequestHead req = new RequestHead();
    /** Bytes for the client; direct, so writes need no JDK-internal copy. Write mode. */
    final ByteBuffer out = ByteBuffer.allocateDirect(OUT_SIZE);
    final byte[] clientIp;
    /** Whether the connection stays open after the current response; the exchange may lower it. */
    boolean keepAlive;
    /** Index in the loop's client list. */
    int slot;
    /** The (de-chunked) body is {@code in[req.headEnd, bodyEnd)}. */
    int bodyEnd;

    /** Request bytes; heap so heads are parsed straight from the array. Write mode: data is [0, position). */
    ByteBuffer in = ByteBuffer.allocate(IN_SIZE);
    private final SocketChannel ch;
    private final SelectionKey key;
    private final Exchange exchange;
    private final ChunkedParser chunks = new ChunkedParser();
    private final ChunkedParser.DataSink compactor = this::moveDown;
    private int state = READ_HEAD;
    private int interest;
    private boolean eof;
    private boolean awaitingFlush;
    private boolean processing;
    private int requestEnd;
    private int chunkScan;
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
        this.exchange = new Exchange(this, loop);
        this.deadline = loop.now + loop.config.clientIdleTimeoutNanos();
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
            } else if (state == FORWARD) {
                exchange.clientDrained();
            }
        }
        if ((ops & SelectionKey.OP_READ) != 0 && state != CLOSED) readable();
    }

    private void readable() {
        if (!in.hasRemaining()) {
            // Only while forwarding (pipelined bytes filled the buffer): wait until this request is done.
            setInterest(interest & ~SelectionKey.OP_READ);
            return;
        }
        int n;
        try {
            n = ch.read(in);
        } catch (IOException e) {
            close();
            return;
        }
        if (n < 0) {
            eof = true;
            if (state == FORWARD) {
                // A half-close after the request is legal: answer it, then close.
                setInterest(interest & ~SelectionKey.OP_READ);
            } else {
                close();
            }
            return;
        }
        if (state != FORWARD) {
            deadline = loop.now + loop.config.clientIdleTimeoutNanos();
            process();
        }
    }

    /** Frames requests from {@link #in} and starts them, one at a time, until more bytes are needed. */
    private void process() {
        processing = true;
        try {
            while (state == READ_HEAD || state == READ_BODY) {
                if (state == READ_HEAD && !readHead()) return;
                if (state == READ_BODY) {
                    if (!readBody()) return;
                    state = FORWARD;
                    exchange.begin();
                }
            }
        } finally {
            processing = false;
        }
    }

    private boolean readHead() {
        byte[] b = in.array();
        int limit = in.position();
        int skip = 0;
        // RFC 9112 §2.2: ignore empty lines before a request line (some clients send CRLF after a body).
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
            reject(r == HttpHead.TOO_LARGE ? 431 : 400,
                    r == HttpHead.TOO_LARGE ? ErrorReplies.HEADERS_TOO_LARGE : ErrorReplies.MALFORMED);
            return false;
        }
        req.afterParse();
        keepAlive = req.keepAlive() && !loop.draining;
        int headEnd = req.headEnd;
        if (req.chunked) {
            chunks.reset();
            chunkScan = bodyEnd = headEnd;
        } else {
            long length = Math.max(0, req.contentLength);
            if (length > loop.config.maxRequestBody()) {
                reject(413, ErrorReplies.BODY_TOO_LARGE);
                return false;
            }
            bodyEnd = requestEnd = headEnd + (int) length;
            if (requestEnd > in.capacity()) grow(requestEnd);
        }
        if (req.expectContinue && !req.http10 && req.hasBody() && !bodyBuffered()) {
            out.put(CONTINUE);
            flush();
            if (state == CLOSED) return false;
        }
        state = READ_BODY;
        return true;
    }

    private boolean bodyBuffered() {
        return !req.chunked && in.position() >= requestEnd;
    }

    /** True once the whole body is in {@link #in}; de-chunks in place as chunks arrive. */
    private boolean readBody() {
        if (!req.chunked) return in.position() >= requestEnd;
        int stop = chunks.parse(in.array(), chunkScan, in.position(), compactor);
        if (stop == ChunkedParser.MALFORMED) {
            reject(400, ErrorReplies.MALFORMED);
            return false;
        }
        if (bodyEnd - req.headEnd > loop.config.maxRequestBody()) {
            reject(413, ErrorReplies.BODY_TOO_LARGE);
            return false;
        }
        if (chunks.done()) {
            requestEnd = stop;
            return true;
        }
        // Everything scanned is either body (already moved down) or framing the parser absorbed: reclaim the rest.
        in.position(bodyEnd);
        chunkScan = bodyEnd;
        if (!in.hasRemaining()) grow(in.capacity() * 2);
        return false;
    }

    private void moveDown(byte[] b, int off, int len) {
        System.arraycopy(b, off, b, bodyEnd, len);
        bodyEnd += len;
    }

    private void grow(int atLeast) {
        int cap = Math.max(atLeast, in.capacity() * 2);
        in = ByteBuffer.wrap(Arrays.copyOf(in.array(), cap)).position(in.position());
        req.buf = in.array();
    }

    /** The request path as a String, reusing the previous one when the bytes repeat (clients hit few paths). */
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

    /** The path decoded as UTF-8, for messages shown to people. */
    String displayPath() {
        int len = req.pathLength();
        return req.asterisk || len == 0 ? path() : new String(in.array(), req.pathStart, len, StandardCharsets.UTF_8);
    }

    void writeError(int status, String message) {
        ErrorReplies.write(out, status, message, keepAlive, req.http10);
    }

    /** Answers a request that cannot be framed or accepted, then closes (its remaining bytes cannot be trusted). */
    private void reject(int status, String message) {
        keepAlive = false;
        state = FORWARD;
        out.clear();
        writeError(status, message);
        exchangeDone();
    }

    /** The exchange has produced its whole response into {@link #out}. */
    void exchangeDone() {
        awaitingFlush = true;
        if (flush()) finishRequest();
    }

    private void finishRequest() {
        awaitingFlush = false;
        if (!keepAlive || eof || loop.draining) {
            close();
            return;
        }
        int leftover = in.position() - requestEnd;
        byte[] b = in.array();
        if (in.capacity() > IN_SIZE && leftover <= IN_SIZE) {
            in = ByteBuffer.allocate(IN_SIZE);
        }
        System.arraycopy(b, requestEnd, in.array(), 0, leftover);
        in.position(leftover);
        req.reset();
        state = READ_HEAD;
        deadline = loop.now + loop.config.clientIdleTimeoutNanos();
        setInterest(interest | SelectionKey.OP_READ);
        if (leftover > 0 && !processing) process();
    }

    /** Writes what {@link #out} holds; false when bytes remain (OP_WRITE is then armed) or the client is gone. */
    boolean flush() {
        if (out.position() == 0) return state != CLOSED;
        out.flip();
        try {
            ch.write(out);
        } catch (IOException e) {
            out.clear();
            close();
            return false;
        }
        out.compact();
        boolean empty = out.position() == 0;
        setInterest(empty ? interest & ~SelectionKey.OP_WRITE : interest | SelectionKey.OP_WRITE);
        if (!empty) deadline = loop.now + loop.config.clientIdleTimeoutNanos();
        return empty;
    }

    boolean isClosed() {
        return state == CLOSED;
    }

    /** See {@link Exchange#replicaLeft}. */
    void replicaLeft(Replica gone) {
        if (state == FORWARD && !awaitingFlush) {
            exchange.replicaLeft(gone);
        }
    }

    void checkTimeout(long now) {
        if (state == FORWARD && !awaitingFlush) {
            exchange.checkTimeout(now);
        } else if (now - deadline > 0) {
            close();
        }
    }

    /** During shutdown: close if no request is in progress. */
    void closeIfIdle() {
        if (state == READ_HEAD && in.position() == 0 && out.position() == 0) close();
    }

    void close() {
        if (state == CLOSED) return;
        boolean wasForwarding = state == FORWARD;
        state = CLOSED;
        if (wasForwarding) exchange.abort();
        key.cancel();
        EventLoop.closeQuietly(ch);
        loop.removeClient(this);
    }

    @Override
    public void fail(Throwable cause) {
        close();
    }

    private void setInterest(int ops) {
        if (ops != interest && state != CLOSED) {
            interest = ops;
            key.interestOps(ops);
        }
    }
}
