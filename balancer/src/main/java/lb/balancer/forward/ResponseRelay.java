package lb.balancer.forward;

import java.nio.ByteBuffer;
import lb.balancer.trace.Trace;

/**
 * Relays one upstream response to the client: parses its head, writes the client's head (X-Served-By, framing and
 * connection headers of our choosing), then moves body bytes with backpressure: while the client has not taken what
 * is held, the upstream is not read (Netty's {@code AUTO_READ} off), so memory stays one buffer per side.
 *
 * <p>A replica's 404 becomes the API's 400 (SPEC §3) when {@code rewrite404} is set; its body is read and dropped so
 * the upstream connection stays usable. Every other status, 405 included, is relayed as is. Loop-confined; one per
 * {@link Attempt}, {@link #reset} per attempt.
 */
final class ResponseRelay {

    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /** What a {@link #relay} step left. */
    enum Step {
        /** More upstream bytes are needed (or the client must drain first: see {@link #paused}). */
        WAITING,
        /** The whole body is in the client buffer; {@code clean} tells whether nothing followed it. */
        DONE,
        /** The upstream broke the body's framing. */
        BROKEN,
        /** The client went away while flushing. */
        CLIENT_GONE
    }

    final ResponseHead head = new ResponseHead();
    private final ChunkedParser chunks = new ChunkedParser();
    private final ClientConnection client;
    private final ChunkedParser.DataSink toClient;

    boolean headParsed;
    boolean headSent;
    /** Body bytes are being dropped (the 404 rewrite). */
    boolean discard;
    /** Reading the upstream is paused until the client drains. */
    boolean paused;
    /** Whether the body ended exactly at the end of what was read (so the connection can be reused). */
    boolean clean;
    Framing framing = Framing.NONE;
    private boolean dechunk;
    private long remaining;
    private int readPos;
    private byte[] servedBy;
    /** The request's decision trace, set per request by its call (null when untraced); survives {@link #reset}. */
    Trace trace;
    private boolean rewrite404;
    private String path;

    ResponseRelay(ClientConnection client) {
        this.client = client;
        this.toClient = (b, off, len) -> client.out().put(b, off, len);
    }

    /** Prepares for a response; {@code servedBy} null means no X-Served-By (the admin relay). */
    void reset(byte[] servedBy, boolean rewrite404, String path) {
        this.servedBy = servedBy;
        this.rewrite404 = rewrite404;
        this.path = path;
        head.reset();
        headParsed = headSent = discard = dechunk = paused = clean = false;
        framing = Framing.NONE;
        readPos = 0;
    }

    /** Parses the response head from {@code in}; {@link HttpHead#OK} once a final (non-1xx) head is parsed. */
    int parseHead(ByteBuffer in) {
        byte[] a = in.array();
        while (true) {
            int r = head.parse(a, readPos, in.position());
            if (r == HttpHead.INCOMPLETE) return r;
            if (r != HttpHead.OK || head.status == 101) return HttpHead.BAD;
            readPos = head.headEnd;
            if (head.status >= 200) break;
            head.reset(); // an interim 1xx answer: skip it, the final one follows
        }
        headParsed = true;
        startResponse();
        return HttpHead.OK;
    }

    private void startResponse() {
        RequestHead req = client.req;
        if (head.bodyless(req.isHead)) framing = Framing.NONE;
        else if (head.chunked) framing = Framing.CHUNKED;
        else if (head.contentLength >= 0) framing = Framing.LENGTH;
        else framing = Framing.UNTIL_CLOSE;
        remaining = head.contentLength;
        chunks.reset();
        String traceLine = trace == null ? null : trace.close(rewrite404 && head.status == 404 ? 400 : head.status);
        if (rewrite404 && head.status == 404) {
            discard = true;
            client.writeError(400, ErrorReplies.unknownEndpoint(path), traceLine);
            return;
        }
        dechunk = framing == Framing.CHUNKED && req.http10;
        if (framing == Framing.UNTIL_CLOSE || dechunk) client.keepAlive = false;
        HeadWriter.writeResponse(head, client.out(), servedBy, traceLine, framing == Framing.CHUNKED && !dechunk,
                client.keepAlive, req.http10);
        headSent = true;
    }

    /**
     * Moves body bytes from {@code up}'s buffer to the client buffer, and on to the client, until the upstream buffer
     * is consumed or the client stops taking bytes (then reading {@code up} pauses until the client drains).
     */
    Step relay(UpstreamConnection up) {
        while (true) {
            int copied = copyToClient(up.in);
            if (copied < 0) return Step.BROKEN;
            boolean consumed = copied == 1;
            if (bodyDone()) {
                clean = consumed;
                return Step.DONE;
            }
            boolean drained = client.flush();
            if (!drained && client.isClosed()) return Step.CLIENT_GONE;
            // The client took everything at once but bytes are still held: move them now. No OP_WRITE is armed, so
            // waiting for the client to drain here would stall the response for good.
            if (drained && !consumed) continue;
            if (paused != !consumed) {
                paused = !consumed;
                up.setReading(!paused);
            }
            return Step.WAITING;
        }
    }

    /** 1 when the upstream buffer was consumed, 0 when the client buffer is full, -1 on broken chunked framing. */
    private int copyToClient(ByteBuffer in) {
        byte[] a = in.array();
        int end = in.position();
        while (readPos < end && !bodyDone()) {
            int space = discard ? Integer.MAX_VALUE : client.out().remaining();
            if (space == 0) break;
            int n = Math.min(end - readPos, space);
            if (framing == Framing.LENGTH) {
                n = (int) Math.min(n, remaining);
                if (!discard) client.out().put(a, readPos, n);
                remaining -= n;
                readPos += n;
            } else if (framing == Framing.CHUNKED) {
                int stop = chunks.parse(a, readPos, readPos + n, dechunk && !discard ? toClient : null);
                if (stop == ChunkedParser.MALFORMED) return -1;
                if (!dechunk && !discard) client.out().put(a, readPos, stop - readPos);
                readPos = stop;
            } else if (framing == Framing.UNTIL_CLOSE) {
                if (!discard) client.out().put(a, readPos, n);
                readPos += n;
            } else {
                break; // NONE: bytes beyond the response; the connection is not reused
            }
        }
        boolean consumed = readPos == end;
        if (consumed) {
            in.clear();
            readPos = 0;
        }
        return consumed ? 1 : 0;
    }

    boolean bodyDone() {
        return switch (framing) {
            case NONE -> true;
            case LENGTH -> remaining == 0;
            case CHUNKED -> chunks.done();
            case UNTIL_CLOSE -> false;
        };
    }

    /** Whether the upstream connection may carry another request after this response. */
    boolean reusable() {
        return clean && framing != Framing.UNTIL_CLOSE && head.keepAlive();
    }
}
