package lb.balancer.forward;

/**
 * The header section of one HTTP/1.x message, parsed in place: every header is a set of offsets into the caller's
 * byte array, classified once so rewriting is a copy of the lines that survive. Subclasses parse the start line.
 *
 * <p>Not thread-safe; one instance per connection, reused for every message.
 */
abstract class HttpHead {

    static final int INCOMPLETE = 0, OK = 1, BAD = 2, TOO_LARGE = 3;
    /** Longest accepted head, start line included (larger → 431 for requests, 502 for responses). */
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_HEADERS = 100;
    private static final int MAX_CONNECTION_TOKENS = 16;

    /** Header kinds: {@link #OTHER} headers are copied, {@link #HOP} ones dropped, the rest handled specially. */
    static final byte OTHER = 0, HOP = 1, CONTENT_LENGTH = 2, TRANSFER_ENCODING = 3, CONNECTION = 4,
            FORWARDED_FOR = 5, HOST = 6, REQUEST_ID = 7, EXPECT = 8, TARGET_REGION = 9, TARGET_REPLICA = 10;

    private static final byte[] CONNECTION_NAME = Ascii.bytes("connection");
    private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
    private static final byte[] CLOSE = Ascii.bytes("close");
    private static final byte[] CHUNKED = Ascii.bytes("chunked");

    byte[] buf;
    /** Index just after the blank line ending the head. */
    int headEnd;
    boolean http10;
    int count;
    final int[] lineStart = new int[MAX_HEADERS];
    final int[] nameEnd = new int[MAX_HEADERS];
    final int[] valueStart = new int[MAX_HEADERS];
    final int[] valueEnd = new int[MAX_HEADERS];
    final byte[] kind = new byte[MAX_HEADERS];
    long contentLength;
    boolean chunked;
    boolean connectionClose;
    boolean connectionKeepAlive;

    private int scanFrom;
    private int tokens;
    private final int[] tokenStart = new int[MAX_CONNECTION_TOKENS];
    private final int[] tokenEnd = new int[MAX_CONNECTION_TOKENS];

    void reset() {
        scanFrom = 0;
        headEnd = 0;
        count = 0;
        tokens = 0;
        contentLength = -1;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        http10 = false;
    }

    /**
     * Parses the head that starts at {@code b[from]} if {@code b[from, limit)} holds all of it. Resumable: call again
     * with more bytes after {@link #INCOMPLETE}; the scan continues where it stopped.
     */
    final int parse(byte[] b, int from, int limit) {
        buf = b;
        int end = findHeadEnd(b, Math.max(from, scanFrom), limit);
        if (end < 0) {
            scanFrom = Math.max(from, limit - 3);
            return limit - from > MAX_HEAD ? TOO_LARGE : INCOMPLETE;
        }
        if (end - from > MAX_HEAD) return TOO_LARGE;
        headEnd = end;
        int lineEnd = Ascii.indexOfLf(b, from, end);
        int i = parseStartLine(b, from, lineEnd);
        if (i < 0) return BAD;
        return parseHeaders(b, lineEnd + 1, end);
    }

    /** Parses the start line {@code b[from, lf)}; returns a non-negative value on success, -1 when malformed. */
    abstract int parseStartLine(byte[] b, int from, int lf);

    /** Classifies a header name beyond the ones every message shares; returns {@link #OTHER} when not special. */
    abstract byte classify(byte[] b, int from, int len);

    private static int findHeadEnd(byte[] b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b[i] != Ascii.LF) continue;
            if (i + 1 < limit && b[i + 1] == Ascii.LF) return i + 2;
            if (i + 2 < limit && b[i + 1] == Ascii.CR && b[i + 2] == Ascii.LF) return i + 3;
        }
        return -1;
    }

    private int parseHeaders(byte[] b, int i, int end) {
        while (i < end && b[i] != Ascii.CR && b[i] != Ascii.LF) {
            if (count == MAX_HEADERS) return TOO_LARGE;
            int start = i;
            while (b[i] != ':') {
                // Also rejects obs-fold (a line starting with whitespace) and whitespace before the colon.
                if (!Ascii.isTchar(b[i])) return BAD;
                i++;
            }
            if (i == start) return BAD;
            int nEnd = i++;
            while (b[i] == ' ' || b[i] == '\t') i++;
            int vStart = i;
            int lf = Ascii.indexOfLf(b, i, end);
            int vEnd = lf;
            while (vEnd > vStart && (b[vEnd - 1] == '\r' || b[vEnd - 1] == ' ' || b[vEnd - 1] == '\t')) vEnd--;
            for (int k = vStart; k < vEnd; k++) {
                if ((b[k] < 0x20 && b[k] != '\t') || b[k] == 0x7f) return BAD;
            }
            lineStart[count] = start;
            nameEnd[count] = nEnd;
            valueStart[count] = vStart;
            valueEnd[count] = vEnd;
            byte k = classifyCommon(b, start, nEnd - start);
            kind[count] = k;
            if (!onHeader(k, b, vStart, vEnd)) return BAD;
            count++;
            i = lf + 1;
        }
        if (tokens > 0) dropConnectionNominated(b);
        return OK;
    }

    private byte classifyCommon(byte[] b, int from, int len) {
        return switch (len) {
            case 2 -> Ascii.equalsLower(b, from, len, TE) ? HOP : classify(b, from, len);
            case 7 -> Ascii.equalsLower(b, from, len, TRAILER) || Ascii.equalsLower(b, from, len, UPGRADE)
                    ? HOP : classify(b, from, len);
            case 10 -> Ascii.equalsLower(b, from, len, CONNECTION_NAME) ? CONNECTION
                    : Ascii.equalsLower(b, from, len, KEEP_ALIVE) ? HOP : classify(b, from, len);
            case 14 -> Ascii.equalsLower(b, from, len, CONTENT_LENGTH_NAME) ? CONTENT_LENGTH : classify(b, from, len);
            case 16 -> Ascii.equalsLower(b, from, len, PROXY_CONNECTION) ? HOP : classify(b, from, len);
            case 17 -> Ascii.equalsLower(b, from, len, TRANSFER_ENCODING_NAME) ? TRANSFER_ENCODING
                    : classify(b, from, len);
            default -> classify(b, from, len);
        };
    }

    private static final byte[] TE = Ascii.bytes("te");
    private static final byte[] TRAILER = Ascii.bytes("trailer");
    private static final byte[] UPGRADE = Ascii.bytes("upgrade");
    private static final byte[] PROXY_CONNECTION = Ascii.bytes("proxy-connection");
    private static final byte[] CONTENT_LENGTH_NAME = Ascii.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING_NAME = Ascii.bytes("transfer-encoding");

    /** Records what the framing headers say; false when they are contradictory or unsupported. */
    private boolean onHeader(byte k, byte[] b, int vStart, int vEnd) {
        switch (k) {
            case CONTENT_LENGTH -> {
                long v = Ascii.parseDecimal(b, vStart, vEnd);
                if (v < 0 || (contentLength >= 0 && contentLength != v)) return false;
                contentLength = v;
            }
            case TRANSFER_ENCODING -> {
                // Only "chunked" (last) is supported; anything else cannot be framed safely, so it is refused.
                int last = vEnd;
                int t = vEnd;
                while (t > vStart && b[t - 1] != ',') t--;
                int s = t;
                while (s < last && (b[s] == ' ' || b[s] == '\t')) s++;
                if (!Ascii.equalsLower(b, s, last - s, CHUNKED)) return false;
                chunked = true;
            }
            case CONNECTION -> {
                int s = vStart;
                while (s < vEnd) {
                    int e = s;
                    while (e < vEnd && b[e] != ',') e++;
                    int ts = s, te = e;
                    while (ts < te && (b[ts] == ' ' || b[ts] == '\t')) ts++;
                    while (te > ts && (b[te - 1] == ' ' || b[te - 1] == '\t')) te--;
                    if (Ascii.equalsLower(b, ts, te - ts, CLOSE)) {
                        connectionClose = true;
                    } else if (Ascii.equalsLower(b, ts, te - ts, KEEP_ALIVE)) {
                        connectionKeepAlive = true;
                    } else if (te > ts && tokens < MAX_CONNECTION_TOKENS) {
                        tokenStart[tokens] = ts;
                        tokenEnd[tokens++] = te;
                    }
                    s = e + 1;
                }
            }
            default -> { }
        }
        // A message with both is a request-smuggling vector (RFC 9112 §6.1): refuse rather than guess.
        return !(chunked && contentLength >= 0);
    }

    /** Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1). */
    private void dropConnectionNominated(byte[] b) {
        for (int h = 0; h < count; h++) {
            if (kind[h] != OTHER) continue;
            for (int t = 0; t < tokens; t++) {
                if (Ascii.equalsIgnoreCase(b, lineStart[h], nameEnd[h] - lineStart[h],
                        tokenStart[t], tokenEnd[t] - tokenStart[t])) {
                    kind[h] = HOP;
                    break;
                }
            }
        }
    }

    /** Parses "HTTP/1.0" or "HTTP/1.1" at {@code b[i]}; returns the index after it or -1. */
    final int parseVersion(byte[] b, int i, int limit) {
        if (limit - i < 8 || b[i] != 'H' || b[i + 1] != 'T' || b[i + 2] != 'T' || b[i + 3] != 'P'
                || b[i + 4] != '/' || b[i + 5] != '1' || b[i + 6] != '.') {
            return -1;
        }
        if (b[i + 7] == '0') http10 = true;
        else if (b[i + 7] != '1') return -1;
        return i + 8;
    }

    /** Whether the sender wants the connection kept open after this message. */
    final boolean keepAlive() {
        return http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    }
}
