package lb.balancer.forward;

/**
 * Resumable parser of the chunked transfer coding (RFC 9112 §7.1). It only finds the framing: callers either copy the
 * consumed bytes verbatim (relaying a chunked response), or take the data spans it reports (de-chunking a request
 * body in place, or a response for an HTTP/1.0 client). Chunk extensions and trailer fields are skipped.
 *
 * <p>Not thread-safe; one instance per connection, {@link #reset()} between messages.
 */
final class ChunkedParser {

    /** Receives the chunk-data spans, in order. */
    interface DataSink {
        void data(byte[] b, int off, int len);
    }

    static final int MALFORMED = -1;

    private static final int SIZE = 0, SIZE_EXT = 1, SIZE_LF = 2, DATA = 3, DATA_CR = 4, DATA_LF = 5,
            TRAILER_START = 6, TRAILER_LINE = 7, TRAILER_END_LF = 8, DONE = 9, SIZE_BWS = 10;
    private static final long MAX_CHUNK = 1L << 40;

    private int state;
    private long remaining;
    private boolean sawDigit;

    void reset() {
        state = SIZE;
        remaining = 0;
        sawDigit = false;
    }

    boolean done() {
        return state == DONE;
    }

    /**
     * Consumes {@code b[from, to)} and returns the index after the last byte it consumed: {@code to}, or less when
     * the message ended inside the range; {@link #MALFORMED} on a framing error.
     */
    int parse(byte[] b, int from, int to, DataSink sink) {
        int i = from;
        while (i < to && state != DONE) {
            if (state == DATA) {
                int n = (int) Math.min(remaining, to - i);
                if (sink != null) sink.data(b, i, n);
                i += n;
                remaining -= n;
                if (remaining == 0) state = DATA_CR;
                continue;
            }
            byte c = b[i++];
            switch (state) {
                case SIZE -> {
                    int d = hex(c);
                    if (d >= 0) {
                        remaining = remaining * 16 + d;
                        sawDigit = true;
                        if (remaining > MAX_CHUNK) return MALFORMED;
                    } else if (!sawDigit) {
                        return MALFORMED;
                    } else if (c == ';') {
                        state = SIZE_EXT;
                    } else if (c == ' ' || c == '\t') {
                        // chunk-size [BWS ";" ext]: after whitespace only an extension or the line end may come,
                        // so "1 2" is malformed, not a chunk of 1 (RFC 9112 §7.1.1).
                        state = SIZE_BWS;
                    } else if (c == '\r') {
                        state = SIZE_LF;
                    } else if (c == '\n') {
                        endOfSizeLine();
                    } else {
                        return MALFORMED;
                    }
                }
                case SIZE_BWS -> {
                    if (c == ';') state = SIZE_EXT;
                    else if (c == '\r') state = SIZE_LF;
                    else if (c == '\n') endOfSizeLine();
                    else if (c != ' ' && c != '\t') return MALFORMED;
                }
                case SIZE_EXT -> {
                    if (c == '\r') state = SIZE_LF;
                    else if (c == '\n') endOfSizeLine();
                    else if ((c & 0xff) < 0x20 && c != '\t' || c == 0x7f) return MALFORMED;
                }
                case SIZE_LF -> {
                    if (c != '\n') return MALFORMED;
                    endOfSizeLine();
                }
                case DATA_CR -> {
                    if (c == '\r') state = DATA_LF;
                    else if (c == '\n') nextSize();
                    else return MALFORMED;
                }
                case DATA_LF -> {
                    if (c != '\n') return MALFORMED;
                    nextSize();
                }
                case TRAILER_START -> {
                    if (c == '\r') state = TRAILER_END_LF;
                    else if (c == '\n') state = DONE;
                    else state = TRAILER_LINE;
                }
                case TRAILER_LINE -> {
                    if (c == '\n') state = TRAILER_START;
                }
                case TRAILER_END_LF -> {
                    if (c != '\n') return MALFORMED;
                    state = DONE;
                }
                default -> throw new IllegalStateException("state " + state);
            }
        }
        return i;
    }

    private void endOfSizeLine() {
        state = remaining == 0 ? TRAILER_START : DATA;
    }

    private void nextSize() {
        state = SIZE;
        remaining = 0;
        sawDigit = false;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
