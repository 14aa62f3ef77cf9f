package lb.balancer.forward;

import java.nio.ByteBuffer;

/**
 * Where the current request's body stands in the client's input buffer. A body that fits the buffer is read whole
 * first ({@link #streamed} false): it can be sent again, on a fresh connection or to another replica. A larger one is
 * streamed ({@link #streamed} true): each piece read is sent on, and the buffer is reused for the next, so memory per
 * connection stays one buffer whatever {@code Content-Length} says.
 *
 * <p>A chunked body is de-chunked in place as it arrives (the framing bytes are dropped, the data moved down), so a
 * buffered one goes to the replica with a {@code Content-Length} and a streamed one is re-chunked piece by piece.
 * Loop-confined; one instance per connection, {@link #begin} per request.
 */
final class RequestBody {

    enum Framing { NONE, LENGTH, CHUNKED }

    /** What {@link #absorb} found. */
    enum Progress { MORE, MALFORMED, TOO_LARGE }

    Framing framing = Framing.NONE;
    /** The data ready to send is {@code in[start, end)}. */
    int start;
    int end;
    /** Whether the body's last byte has been read; {@link #requestEnd} is then valid. */
    boolean complete;
    /** Index in the buffer just after the request (body framing included): pipelined bytes start there. */
    int requestEnd;
    boolean streamed;
    /** Body bytes (de-chunked) handed out so far, pieces already sent included. */
    long total;

    private final ChunkedParser chunks = new ChunkedParser();
    private final ChunkedParser.DataSink moveDown = this::moveDown;
    private byte[] buf;
    /** Declared bytes not yet part of a piece (LENGTH only). */
    private long left;
    private int scan;
    private long max;

    /** Starts the body of {@code req}, whose head ends at {@code headEnd}; {@code max} bounds a chunked body. */
    void begin(RequestHead req, int headEnd, long max) {
        this.max = max;
        start = end = scan = headEnd;
        total = 0;
        streamed = false;
        complete = false;
        if (req.chunked) {
            framing = Framing.CHUNKED;
            chunks.reset();
        } else if (req.contentLength > 0) {
            framing = Framing.LENGTH;
            left = req.contentLength;
        } else {
            framing = Framing.NONE;
            complete = true;
            requestEnd = headEnd;
        }
    }

    /** Takes in what the buffer holds beyond what was seen; the buffer's position may move down (de-chunking). */
    Progress absorb(ByteBuffer in) {
        int limit = in.position();
        if (framing == Framing.LENGTH) {
            int before = end;
            end = (int) Math.min(limit, start + left);
            total += end - before;
            if (end - start == left) {
                complete = true;
                requestEnd = end;
            }
            return Progress.MORE;
        }
        if (framing != Framing.CHUNKED || complete) return Progress.MORE;
        buf = in.array();
        int before = end;
        int stop = chunks.parse(buf, scan, limit, moveDown);
        total += end - before;
        if (stop == ChunkedParser.MALFORMED) return Progress.MALFORMED;
        if (total > max) return Progress.TOO_LARGE;
        if (chunks.done()) {
            complete = true;
            requestEnd = stop;
        } else {
            // Everything scanned is body (moved down) or framing the parser absorbed: reclaim the rest.
            in.position(end);
            scan = end;
        }
        return Progress.MORE;
    }

    /** Whether a streamed piece is ready: data, or the end of the body. */
    boolean pieceReady() {
        return end > start || complete;
    }

    /**
     * The piece {@code in[start, end)} was sent: the buffer's space is free again from {@code base} (0 once the head
     * has gone too). Bytes after a complete body (a pipelined request) stay where they are.
     */
    void pieceSent(ByteBuffer in, int base) {
        if (framing == Framing.LENGTH) left -= end - start;
        if (complete) {
            start = end;
            return;
        }
        start = end = scan = base;
        in.position(base);
    }

    private void moveDown(byte[] b, int off, int len) {
        System.arraycopy(b, off, b, end, len);
        end += len;
    }
}
